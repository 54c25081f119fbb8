package io.mailgateway.smtp.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mailgateway.config.GatewayProperties;
import io.mailgateway.testing.TestClock;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class AuthFailureThrottleTest {

    private static final InetAddress CLIENT = ip("203.0.113.9");
    private static final InetAddress NEIGHBOUR = ip("203.0.113.10");

    private final TestClock clock = new TestClock();
    private final AuthFailureThrottle throttle =
        new AuthFailureThrottle(3, Duration.ofMinutes(10), Duration.ofMinutes(15), clock);

    private static InetAddress ip(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    private void fail(InetAddress address, int times) {
        for (int i = 0; i < times; i++) {
            throttle.recordFailure(address);
        }
    }

    @Test
    void clientBelowTheLimitStaysConnected() {
        fail(CLIENT, 2);

        assertThat(throttle.shouldDisconnect(CLIENT)).isFalse();
        assertThat(throttle.isBlocked(CLIENT)).isFalse();
    }

    @Test
    void clientReachingTheLimitIsDisconnectedAndBlocked() {
        fail(CLIENT, 3);

        assertThat(throttle.shouldDisconnect(CLIENT)).isTrue();
        assertThat(throttle.isBlocked(CLIENT)).isTrue();
        assertThat(throttle.isBlocked(NEIGHBOUR)).isFalse();
        assertThat(throttle.shouldDisconnect(NEIGHBOUR)).isFalse();
    }

    @Test
    void failuresOlderThanTheWindowNoLongerCount() {
        fail(CLIENT, 2);
        clock.advance(Duration.ofMinutes(10));

        throttle.recordFailure(CLIENT);

        assertThat(throttle.shouldDisconnect(CLIENT)).isFalse();
        assertThat(throttle.isBlocked(CLIENT)).isFalse();
    }

    @Test
    void windowSlidesInsteadOfResettingAtFixedTimes() {
        throttle.recordFailure(CLIENT);
        clock.advance(Duration.ofMinutes(6));
        throttle.recordFailure(CLIENT);
        clock.advance(Duration.ofMinutes(6));
        throttle.recordFailure(CLIENT);

        assertThat(throttle.isBlocked(CLIENT)).as("first failure is 12 minutes old").isFalse();

        clock.advance(Duration.ofMinutes(1));
        throttle.recordFailure(CLIENT);

        assertThat(throttle.isBlocked(CLIENT)).as("three failures within 7 minutes").isTrue();
    }

    @Test
    void blockLastsExactlyTheBlockDuration() {
        fail(CLIENT, 3);

        clock.advance(Duration.ofMinutes(15).minusMillis(1));
        assertThat(throttle.isBlocked(CLIENT)).isTrue();
        assertThat(throttle.shouldDisconnect(CLIENT)).isTrue();

        clock.advance(Duration.ofMillis(1));
        assertThat(throttle.isBlocked(CLIENT)).isFalse();
        assertThat(throttle.shouldDisconnect(CLIENT)).isFalse();
    }

    @Test
    void afterABlockTheClientHasAFreshAllowance() {
        AuthFailureThrottle shortBlock = new AuthFailureThrottle(3, Duration.ofMinutes(10), Duration.ofMinutes(1), clock);
        for (int i = 0; i < 3; i++) {
            shortBlock.recordFailure(CLIENT);
        }
        clock.advance(Duration.ofMinutes(2));

        shortBlock.recordFailure(CLIENT);

        assertThat(shortBlock.isBlocked(CLIENT)).isFalse();
        assertThat(shortBlock.shouldDisconnect(CLIENT)).isFalse();
    }

    @Test
    void successDoesNotLiftAnActiveBlock() {
        fail(CLIENT, 3);

        throttle.recordSuccess(CLIENT);

        assertThat(throttle.isBlocked(CLIENT)).isTrue();
        assertThat(throttle.shouldDisconnect(CLIENT)).isTrue();
    }

    @Test
    void successForgetsEarlierFailures() {
        fail(CLIENT, 2);

        throttle.recordSuccess(CLIENT);
        fail(CLIENT, 2);

        assertThat(throttle.shouldDisconnect(CLIENT)).isFalse();
        assertThat(throttle.trackedClients()).isEqualTo(1);
    }

    @Test
    void ipv6ClientsAreCountedPerSlash64() {
        throttle.recordFailure(ip("2001:db8:1:2::1"));
        throttle.recordFailure(ip("2001:db8:1:2::2"));
        throttle.recordFailure(ip("2001:db8:1:2:ffff:ffff:ffff:ffff"));

        assertThat(throttle.isBlocked(ip("2001:db8:1:2::99"))).isTrue();
        assertThat(throttle.isBlocked(ip("2001:db8:1:3::1"))).isFalse();
    }

    @Test
    void ipv4MappedIpv6AddressCountsAsTheIpv4Address() {
        fail(ip("::ffff:203.0.113.9"), 3);

        assertThat(throttle.isBlocked(CLIENT)).isTrue();
    }

    @Test
    void expiredClientsAreForgotten() {
        fail(CLIENT, 2);
        fail(NEIGHBOUR, 3);
        clock.advance(Duration.ofMinutes(16));

        throttle.recordFailure(ip("198.51.100.1"));

        assertThat(throttle.trackedClients()).isEqualTo(1);
    }

    @Test
    void addressSprayIsCappedByForgettingTheClientThatFailedLongestAgo() {
        AuthFailureThrottle capped = new AuthFailureThrottle(3, Duration.ofMinutes(10), Duration.ofMinutes(15), clock, 100);
        capped.recordFailure(CLIENT);
        capped.recordFailure(CLIENT);

        for (int i = 0; i < 10_000; i++) {
            capped.recordFailure(ip("10.0." + (i / 256) + "." + (i % 256)));
        }

        assertThat(capped.trackedClients()).isEqualTo(100);
        capped.recordFailure(CLIENT);
        assertThat(capped.isBlocked(CLIENT)).as("its two old failures were forgotten with it").isFalse();
        capped.recordFailure(ip("10.0.39.15"));
        capped.recordFailure(ip("10.0.39.15"));
        assertThat(capped.isBlocked(ip("10.0.39.15"))).as("a recent client is still counted").isTrue();
    }

    @Test
    void concurrentFailuresAreAllCounted() throws Exception {
        AuthFailureThrottle many = new AuthFailureThrottle(1000, Duration.ofMinutes(10), Duration.ofMinutes(15), clock);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                done.add(pool.submit(() -> {
                    for (int i = 0; i < 124; i++) {
                        many.recordFailure(CLIENT);
                        many.isBlocked(NEIGHBOUR);
                    }
                }));
            }
            for (Future<?> future : done) {
                future.get();
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(many.shouldDisconnect(CLIENT)).as("992 failures").isFalse();
        for (int i = 0; i < 8; i++) {
            many.recordFailure(CLIENT);
        }
        assertThat(many.isBlocked(CLIENT)).as("1000 failures").isTrue();
    }

    @Test
    void takesItsLimitsFromTheGatewaySettings() {
        GatewayProperties.Auth settings = new GatewayProperties.Auth();
        settings.setMaxFailures(2);
        AuthFailureThrottle configured = new AuthFailureThrottle(settings, clock);

        configured.recordFailure(CLIENT);
        configured.recordFailure(CLIENT);

        assertThat(configured.isBlocked(CLIENT)).isTrue();
        clock.advance(settings.getBlockDuration());
        assertThat(configured.isBlocked(CLIENT)).isFalse();
    }

    @Test
    void refusesNonsensicalLimits() {
        assertThatThrownBy(() -> new AuthFailureThrottle(0, Duration.ofMinutes(1), Duration.ofMinutes(1), clock))
            .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new AuthFailureThrottle(1, Duration.ZERO, Duration.ofMinutes(1), clock))
            .isInstanceOf(IllegalArgumentException.class);
    }
}

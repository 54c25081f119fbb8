package io.mailgateway.console;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;

/**
 * Whether the smart host accepts TCP connections, checked in the background every minute and cached, so a
 * health probe never waits on the network (nor hammers the relay). Answers UNKNOWN in capture mode.
 */
public final class SmartHostHealth implements HealthIndicator, AutoCloseable {

    private final String host;
    private final int port;
    private final Duration timeout;
    private final ScheduledExecutorService checker;
    private volatile Health last = Health.unknown().withDetail("reason", "not checked yet").build();

    public SmartHostHealth(String host, int port, Duration timeout) {
        this.host = host;
        this.port = port;
        this.timeout = timeout;
        if (host == null) {
            this.checker = null;
            this.last = Health.unknown().withDetail("reason", "no smart host configured (capture mode)").build();
            return;
        }
        this.checker = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "smarthost-health");
            thread.setDaemon(true);
            return thread;
        });
        checker.scheduleWithFixedDelay(this::check, 0, 60, TimeUnit.SECONDS);
    }

    private void check() {
        Instant started = Instant.now();
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), (int) timeout.toMillis());
            last = Health.up().withDetail("smarthost", host + ":" + port)
                .withDetail("checkedAt", started.toString()).build();
        } catch (Exception e) {
            last = Health.down().withDetail("smarthost", host + ":" + port)
                .withDetail("checkedAt", started.toString())
                .withDetail("error", e.getClass().getSimpleName() + ": " + e.getMessage()).build();
        }
    }

    @Override
    public Health health() {
        return last;
    }

    @Override
    public void close() {
        if (checker != null) {
            checker.shutdownNow();
        }
    }
}

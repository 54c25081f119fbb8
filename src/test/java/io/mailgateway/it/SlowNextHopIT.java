package io.mailgateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mailgateway.console.MailQueueMXBean;
import io.mailgateway.console.MailSummary;
import io.mailgateway.it.support.MailQueues;
import io.mailgateway.it.support.Messages;
import io.mailgateway.it.support.SmtpClient;
import io.mailgateway.it.support.TestDataDirs;
import io.mailgateway.it.support.TestSmartHost;
import io.mailgateway.smtp.SmtpListeners;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Issue 9: a slow smart host does not starve the other deliveries. slow.example is routed to a smart host
 * that holds every transaction at the end of DATA until the test lets it go; everything else goes to a fast
 * one. With 4 delivery threads and at most 2 deliveries to one next hop, the slow smart host holds 2 threads
 * and the other 2 keep delivering; the slow mail beyond its 2 waits in the queue and arrives once in the end.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE, properties = {
    "gateway.delivery.mode=smarthost",
    "gateway.delivery.smarthost.host=127.0.0.1",
    "gateway.delivery.smarthost.tls=none",
    "gateway.delivery.smarthosts.slow.host=127.0.0.1",
    "gateway.delivery.smarthosts.slow.tls=none",
    "gateway.delivery.routes[0].domains=slow.example",
    "gateway.delivery.routes[0].via=smarthost:slow",
    "gateway.delivery.concurrency=4",
    "gateway.delivery.destination-concurrency=2",
    // a real failure would wait an hour: anything arriving during the test was only held back, not retried
    "gateway.delivery.retry.initial-delay=1h",
    "gateway.delivery.retry.max-delay=2h"})
@DirtiesContext
class SlowNextHopIT {

    private static final Path DATA = TestDataDirs.fresh("slow-next-hop");
    private static final TestSmartHost FAST = new TestSmartHost().start();
    private static final TestSmartHost SLOW = new TestSmartHost().start();
    private static final Duration GENEROUS = Duration.ofSeconds(60);

    @DynamicPropertySource
    static void wiring(DynamicPropertyRegistry registry) {
        registry.add("gateway.data-dir", DATA::toString);
        registry.add("gateway.delivery.smarthost.port", FAST::port);
        registry.add("gateway.delivery.smarthosts.slow.port", SLOW::port);
    }

    @AfterAll
    static void stop() {
        SLOW.release();
        FAST.stop();
        SLOW.stop();
    }

    @Autowired
    SmtpListeners listeners;

    @Autowired
    MeterRegistry metrics;

    @Test
    void aStuckSmartHostHoldsOnlyItsShareWhileOtherMailIsDeliveredAndItsOwnMailArrivesOnceWhenItRecovers()
            throws Exception {
        MailQueueMXBean queue = MailQueues.local();
        SLOW.hold();
        List<String> slowIds = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            slowIds.add(send(List.of("user" + i + "@slow.example")));
        }
        await().atMost(GENEROUS).until(() -> SLOW.held() >= 2);

        // one mail for both: its example.net recipient must not wait for slow.example's
        String mixed = send(List.of("boss@slow.example", "friend@example.net"));
        slowIds.add(mixed);
        List<String> fastIds = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            fastIds.add(send(List.of("user" + i + "@example.net")));
        }
        for (String id : fastIds) {
            FAST.awaitAccepted(id, GENEROUS);
        }
        assertThat(FAST.awaitAccepted(mixed, GENEROUS).recipients()).containsExactly("friend@example.net");

        // meanwhile the stuck smart host got its share and no more; the rest waits in the queue, not counted as
        // an attempt, saying why
        assertThat(SLOW.held()).isEqualTo(2);
        assertThat(SLOW.mostHeld()).isEqualTo(2);
        assertThat(SLOW.transactions()).isEmpty();
        MailSummary waiting = MailQueues.awaitDeferred(queue, "boss@slow.example");
        assertThat(waiting.getLastError()).isEqualTo("waiting for a free connection to smart host 'slow' (2 of 2 in use)");
        assertThat(waiting.getAttempts()).isZero();

        // waiting mail comes back every second or two, not in a loop: 5 mails in 3 s would be about 10 rounds
        double before = metrics.counter("mailgateway.deferred").count();
        Thread.sleep(3_000);
        assertThat(metrics.counter("mailgateway.deferred").count() - before).as("recipients put back in 3 s").isLessThan(100);

        SLOW.release();
        for (String id : slowIds) {
            SLOW.awaitAccepted(id, GENEROUS);
        }
        // nothing for slow.example is left to come: each arrived exactly once, nothing was given up
        await().atMost(GENEROUS).until(() -> queue.listDeferred().stream().noneMatch(m -> m.getTo().endsWith("@slow.example")));
        for (String id : slowIds) {
            assertThat(SLOW.withMessageId(id)).as(id).hasSize(1);
        }
        assertThat(SLOW.withMessageId(mixed).get(0).recipients()).containsExactly("boss@slow.example");
        for (String id : fastIds) {
            assertThat(FAST.withMessageId(id)).as(id).hasSize(1);
        }
        assertThat(queue.listDead()).isEmpty();
    }

    private String send(List<String> to) throws IOException {
        String messageId = Messages.uniqueMessageId();
        assertThat(SmtpClient.send(listeners.relayPort(), "alice@example.com", to,
            Messages.simple(messageId, "alice@example.com", to.get(0), "slow next hop test"))).startsWith("250 ");
        return messageId;
    }
}

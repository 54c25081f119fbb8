package io.mailgateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mailgateway.it.support.BrokerQueues;
import io.mailgateway.it.support.Messages;
import io.mailgateway.it.support.SmtpClient;
import io.mailgateway.it.support.TestDataDirs;
import io.mailgateway.it.support.TestSmartHost;
import io.mailgateway.queue.MailProperties;
import io.mailgateway.smtp.SmtpListeners;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * {@code gateway.delivery.bounces.enabled=false}: a dead letter is all there is, no notification to the
 * sender or the postmaster, and no delay warning either. (Bounces switched on: {@link BouncesIT}.)
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE, properties = {
    "gateway.hostname=gateway.test",
    "gateway.delivery.mode=smarthost",
    "gateway.delivery.smarthost.host=127.0.0.1",
    "gateway.delivery.smarthost.tls=none",
    "gateway.delivery.connect-timeout=2s",
    "gateway.delivery.retry.initial-delay=1s",
    "gateway.delivery.retry.max-delay=1s",
    "gateway.delivery.bounces.enabled=false",
    "gateway.delivery.bounces.postmaster=postmaster@gateway.test",
    "gateway.delivery.bounces.delay-warning-after=1s"})
@DirtiesContext
class BouncesDisabledIT {

    private static final Path DATA = TestDataDirs.fresh("bounces-off");
    private static final TestSmartHost SMART_HOST = new TestSmartHost().start();

    @DynamicPropertySource
    static void wiring(DynamicPropertyRegistry registry) {
        registry.add("gateway.data-dir", DATA::toString);
        registry.add("gateway.delivery.smarthost.port", SMART_HOST::port);
    }

    @AfterAll
    static void stopSmartHost() {
        SMART_HOST.stop();
    }

    @Autowired
    SmtpListeners listeners;

    @Autowired
    EmbeddedActiveMQ broker;

    @Test
    void aRejectedOrLongDeferredMailCausesNoNotificationWhenBouncesAreOff() throws Exception {
        String sender = BouncesIT.unique("alice", "example.com");
        String typo = BouncesIT.unique("typo", "example.net");
        String busy = BouncesIT.unique("busy", "example.net");
        String messageId = Messages.uniqueMessageId();
        SMART_HOST.rejectRecipient(typo, 550, "5.1.1 no such user");
        SMART_HOST.rejectRecipient(busy, 450, "4.2.1 busy");
        assertThat(SmtpClient.send(listeners.relayPort(), sender, List.of(typo, busy),
            Messages.simple(messageId, sender, typo, "no bounce"))).startsWith("250 ");

        BrokerQueues queues = new BrokerQueues(broker);
        Map<String, Object> dead = await().atMost(Duration.ofSeconds(20)).until(() -> queues.deadTo(typo), m -> m != null);
        assertThat((String) dead.get(MailProperties.DEAD_REASON)).contains("550 5.1.1");
        // past the delay-warning time, several attempts for the busy recipient
        await().atMost(Duration.ofSeconds(20)).until(() -> SMART_HOST.rcptCount(busy) >= 4);
        Thread.sleep(2_000);
        assertThat(SMART_HOST.where(t -> t.text().contains(messageId))).isEmpty();
        assertThat(BouncesIT.notificationsTo(SMART_HOST, sender)).isEmpty();
        assertThat(SMART_HOST.where(t -> t.recipients().contains("postmaster@gateway.test"))).isEmpty();
        SMART_HOST.acceptRecipient(busy);
    }
}

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
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The operators' jobs through the mailgateway:type=MailQueue MBean, called over JMX as a console would:
 * see why a mail failed, export it, retry it after the smart host is fixed, delete it, and release
 * deferred mail early.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE, properties = {
    "gateway.delivery.mode=smarthost",
    "gateway.delivery.smarthost.host=127.0.0.1",
    "gateway.delivery.smarthost.tls=none",
    "gateway.delivery.concurrency=1",
    "gateway.delivery.connect-timeout=2s",
    "gateway.delivery.retry.initial-delay=1h",
    "gateway.delivery.retry.max-delay=2h"})
@DirtiesContext
class MailQueueConsoleIT {

    private static final Path DATA = TestDataDirs.fresh("console");
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

    MailQueueMXBean console;

    @BeforeEach
    void connect() throws Exception {
        console = MailQueues.local();
    }

    @Test
    void aRejectedMailShowsItsReasonCanBeExportedAndIsDeliveredWhenRetriedAfterTheFix() throws Exception {
        SMART_HOST.rejectRecipient("typo@example.net", 550, "5.1.1 <typo@example.net>: Recipient address rejected");
        String messageId = Messages.uniqueMessageId();
        send(List.of("typo@example.net"), Messages.simple(messageId, "alice@example.com", "typo@example.net", "Quarterly numbers"));

        MailSummary dead = MailQueues.awaitDead(console, "typo@example.net");
        assertThat(dead.getLastError()).contains("550 5.1.1 <typo@example.net>: Recipient address rejected");
        assertThat(dead.getSubject()).isEqualTo("Quarterly numbers");
        assertThat(dead.getFrom()).isEqualTo("alice@example.com");
        assertThat(dead.getIntake()).isEqualTo("smtp");
        assertThat(dead.getAttempts()).isEqualTo(1);
        assertThat(dead.getDeadAt()).isNotEmpty();
        assertThat(console.getDeadCount()).isGreaterThanOrEqualTo(1);
        long failedBefore = console.getFailedTotal();
        assertThat(failedBefore).isGreaterThanOrEqualTo(1);

        String exported = console.export(dead.getId());
        Path file = DATA.resolve("export").resolve(dead.getId() + ".eml");
        assertThat(exported).contains(file.getFileName().toString());
        assertThat(Files.readString(file, StandardCharsets.UTF_8))
            .startsWith("X-Envelope-From: <alice@example.com>\r\nX-Envelope-To: <typo@example.net>\r\n")
            .contains("Message-ID: " + messageId);

        SMART_HOST.acceptRecipient("typo@example.net");
        long deliveredBefore = console.getDeliveredTotal();
        assertThat(console.retry(dead.getId())).isEqualTo("retrying " + dead.getId());
        SMART_HOST.awaitAccepted(messageId);
        assertThat(console.listDead()).noneMatch(m -> m.getId().equals(dead.getId()));
        assertThat(console.getDeliveredTotal()).isGreaterThan(deliveredBefore);
    }

    @Test
    void aRetriedDeadLetterThatFailsAgainDiesWithTheNewReasonAndAttemptsStartingOver() throws Exception {
        SMART_HOST.rejectRecipient("gone@example.net", 550, "5.1.1 first reason");
        send(List.of("gone@example.net"), Messages.simple(Messages.uniqueMessageId(), "alice@example.com", "gone@example.net", "twice dead"));
        MailSummary first = awaitDead("gone@example.net", "first reason");
        SMART_HOST.rejectRecipient("gone@example.net", 550, "5.2.1 second reason");
        console.retry(first.getId());
        MailSummary second = awaitDead("gone@example.net", "second reason");
        assertThat(second.getId()).isEqualTo(first.getId());
        assertThat(second.getAttempts()).isEqualTo(1);
        assertThat(console.listDead()).filteredOn(m -> m.getId().equals(first.getId())).hasSize(1);
    }

    @Test
    void deleteRemovesADeadLetter() throws Exception {
        SMART_HOST.rejectRecipient("spam@example.net", 554, "5.7.1 spam");
        send(List.of("spam@example.net"), Messages.simple(Messages.uniqueMessageId(), "spammer@example.com", "spam@example.net", "spam"));
        MailSummary dead = awaitDead("spam@example.net", "5.7.1 spam");
        assertThat(console.delete(dead.getId())).startsWith("deleted 1");
        assertThat(console.listDead()).noneMatch(m -> m.getId().equals(dead.getId()));
        assertThat(console.delete(dead.getId())).startsWith("no mail");
    }

    @Test
    void deferredMailIsListedAndCanBeReleasedNow() throws Exception {
        SMART_HOST.stop();
        String messageId = Messages.uniqueMessageId();
        try {
            send(List.of("later@example.net"), Messages.simple(messageId, "alice@example.com", "later@example.net", "waits an hour"));
            MailSummary deferred = MailQueues.awaitDeferred(console, "later@example.net");
            assertThat(deferred.getLastError()).contains("cannot connect");
            assertThat(deferred.getNextAttempt()).isNotEmpty();
            assertThat(deferred.getAttempts()).isEqualTo(1);
            assertThat(console.getDeferredCount()).isGreaterThanOrEqualTo(1);
        } finally {
            SMART_HOST.start();
        }
        assertThat(console.deliverAllDeferredNow()).contains("released");
        SMART_HOST.awaitAccepted(messageId);
        assertThat(console.getDeferredCount()).isZero();
    }

    @Test
    void aLargeDeadLetterIsExportedAndRetriedWithEveryByte() throws Exception {
        SMART_HOST.rejectRecipient("big@example.net", 550, "5.1.1 no such user");
        String messageId = Messages.uniqueMessageId();
        // 3 MB: over the 100 KiB from which the broker keeps a body as a large message, and over the spool's
        // memory limit, so export and retry stream it (LargeMailIT checks the heap with 50 MB)
        String message = large(Messages.simple(messageId, "alice@example.com", "big@example.net", "big report"), 3_000_000);
        send(List.of("big@example.net"), message);
        MailSummary dead = awaitDead("big@example.net", "no such user");

        console.export(dead.getId());
        String exported = Files.readString(DATA.resolve("export").resolve(dead.getId() + ".eml"), StandardCharsets.ISO_8859_1);
        assertThat(exported).startsWith("X-Envelope-From: <alice@example.com>\r\nX-Envelope-To: <big@example.net>\r\nReceived: ")
            .endsWith(message);

        SMART_HOST.acceptRecipient("big@example.net");
        console.retry(dead.getId());
        TestSmartHost.Transaction delivered = SMART_HOST.awaitAccepted(messageId, Duration.ofSeconds(30));
        assertThat(new String(delivered.data(), StandardCharsets.ISO_8859_1))
            .isEqualTo(exported.substring(exported.indexOf("Received: ")));
    }

    @Test
    void aLargeDeferredMailIsExportedWithEveryByte() throws Exception {
        SMART_HOST.stop();
        String messageId = Messages.uniqueMessageId();
        String message = large(Messages.simple(messageId, "alice@example.com", "big-later@example.net", "big, later"), 2_000_000);
        try {
            send(List.of("big-later@example.net"), message);
            MailSummary deferred = MailQueues.awaitDeferred(console, "big-later@example.net");
            console.export(deferred.getId());
            assertThat(Files.readString(DATA.resolve("export").resolve(deferred.getId() + ".eml"), StandardCharsets.ISO_8859_1))
                .startsWith("X-Envelope-From: <alice@example.com>\r\nX-Envelope-To: <big-later@example.net>\r\nReceived: ")
                .endsWith(message);
        } finally {
            SMART_HOST.start();
        }
        console.deliverAllDeferredNow();
        await().atMost(Duration.ofSeconds(30)).until(() -> SMART_HOST.withMessageId(messageId).stream()
            .anyMatch(t -> t.accepted() && new String(t.data(), StandardCharsets.ISO_8859_1).endsWith(message)));
    }

    /** {@code message} with base64-like lines appended to its body until it has about {@code size} bytes. */
    private static String large(String message, int size) {
        StringBuilder large = new StringBuilder(size + 100).append(message);
        String line = "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9wcXJzdHV2d3h5ejAxMjM0\r\n";
        while (large.length() < size) {
            large.append(line);
        }
        return large.toString();
    }

    @Test
    void operationsRefuseSomethingThatIsNotAQueueId() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> console.retry("x' OR 1=1 OR MailQueueId='y"))
            .hasMessageContaining("not a queue id");
    }

    private MailSummary awaitDead(String recipient, String reason) {
        return await().atMost(Duration.ofSeconds(20)).until(() -> console.listDead().stream()
            .filter(m -> m.getTo().equals(recipient) && m.getLastError().contains(reason)).findFirst().orElse(null), m -> m != null);
    }

    private void send(List<String> to, String message) throws IOException {
        assertThat(SmtpClient.send(listeners.relayPort(), "alice@example.com", to, message)).startsWith("250 ");
    }
}

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
import jakarta.mail.Session;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.InternetHeaders;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Delivery status notifications end to end: SMTP in, a real SMTP server as the smart host that refuses
 * some recipients, and the notification coming back out through the same smart host (all mail goes
 * there), sent from the null sender. Retries every second or two, so delays resolve within the test.
 * Bounces switched off: {@link BouncesDisabledIT}.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE, properties = {
    "gateway.hostname=gateway.test",
    "gateway.delivery.mode=smarthost",
    "gateway.delivery.smarthost.host=127.0.0.1",
    "gateway.delivery.smarthost.tls=none",
    "gateway.delivery.concurrency=2",
    "gateway.delivery.connect-timeout=2s",
    "gateway.delivery.read-timeout=10s",
    "gateway.delivery.retry.initial-delay=1s",
    "gateway.delivery.retry.max-delay=2s",
    "gateway.delivery.retry.max-lifetime=1h",
    "gateway.delivery.bounces.postmaster=postmaster@gateway.test",
    "gateway.delivery.bounces.delay-warning-after=3s"})
@DirtiesContext
class BouncesIT {

    static final String POSTMASTER = "postmaster@gateway.test";
    private static final Path DATA = TestDataDirs.fresh("bounces");
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

    BrokerQueues queues;

    @BeforeEach
    void setUp() {
        queues = new BrokerQueues(broker);
    }

    @Test
    void a550SendsTheSenderAMultipartReportFromTheNullSenderWithTheOriginalHeadersAndACopyToThePostmaster() throws Exception {
        String sender = unique("alice", "example.com");
        String typo = unique("typo", "example.net");
        String messageId = Messages.uniqueMessageId();
        SMART_HOST.rejectRecipient(typo, 550, "5.1.1 <" + typo + ">: Recipient address rejected");
        assertThat(send(sender, List.of(typo), Messages.simple(messageId, sender, typo, "Quarterly numbers"))).startsWith("250 ");

        TestSmartHost.Transaction dsn = awaitNotificationTo(sender);
        assertThat(dsn.from()).as("MAIL FROM:<>").isEmpty();
        assertThat(dsn.recipients()).as("one DSN, the postmaster an extra envelope recipient").containsExactly(sender, POSTMASTER);
        assertThat(dsn.accepted()).isTrue();

        MimeMessage report = parse(dsn.data());
        ContentType type = new ContentType(report.getContentType());
        assertThat(type.getBaseType()).isEqualTo("multipart/report");
        assertThat(type.getParameter("report-type")).isEqualTo("delivery-status");
        assertThat(report.getSubject()).isEqualTo("Undelivered Mail Returned to Sender");
        assertThat(report.getHeader("From", null)).isEqualTo("\"Mail Delivery System\" <MAILER-DAEMON@gateway.test>");
        assertThat(report.getHeader("To", null)).isEqualTo("<" + sender + ">");
        assertThat(report.getHeader("Auto-Submitted", null)).isEqualTo("auto-replied");
        assertThat(report.getMessageID()).isNotEqualTo(messageId).endsWith("@gateway.test>");

        MimeMultipart parts = (MimeMultipart) report.getContent();
        assertThat(parts.getCount()).isEqualTo(3);
        List<InternetHeaders> status = deliveryStatus(parts);
        assertThat(status.get(0).getHeader("Reporting-MTA", null)).isEqualTo("dns; gateway.test");
        assertThat(status.get(1).getHeader("Final-Recipient", null)).isEqualTo("rfc822; " + typo);
        assertThat(status.get(1).getHeader("Action", null)).isEqualTo("failed");
        assertThat(status.get(1).getHeader("Status", null)).isEqualTo("5.1.1");
        assertThat(status.get(1).getHeader("Remote-MTA", null)).isEqualTo("dns; 127.0.0.1");
        assertThat(status.get(1).getHeader("Diagnostic-Code", null).replaceAll("\r\n\t", " "))
            .isEqualTo("smtp; 550 5.1.1 <" + typo + ">: Recipient address rejected");

        InternetHeaders original = new InternetHeaders(parts.getBodyPart(2).getInputStream());
        assertThat(new ContentType(parts.getBodyPart(2).getContentType()).getBaseType()).isEqualTo("text/rfc822-headers");
        assertThat(original.getHeader("Message-ID", null)).isEqualTo(messageId);
        assertThat(original.getHeader("Subject", null)).isEqualTo("Quarterly numbers");
        assertThat(original.getHeader("Received", null)).contains("by gateway.test (Mail Gateway)");
        assertThat(dsn.text()).doesNotContain("this is Quarterly numbers.");

        // the dead letter is there too, unchanged: committed in the same transaction as its notification
        Map<String, Object> dead = await().atMost(Duration.ofSeconds(10)).until(() -> queues.deadTo(typo), m -> m != null);
        assertThat(dead.get(MailProperties.ENVELOPE_FROM)).isEqualTo(sender);
        assertThat((String) dead.get(MailProperties.DEAD_REASON)).contains("550 5.1.1");
    }

    @Test
    void aRejectedMailFromTheNullSenderProducesNoNotificationAtAll() throws Exception {
        String nobody = unique("nobody", "example.net");
        String messageId = Messages.uniqueMessageId();
        SMART_HOST.rejectRecipient(nobody, 550, "5.1.1 no such user");
        assertThat(send("", List.of(nobody), Messages.simple(messageId, "robot@example.com", nobody, "from the null sender")))
            .startsWith("250 ");

        Map<String, Object> dead = await().atMost(Duration.ofSeconds(20)).until(() -> queues.deadTo(nobody), m -> m != null);
        assertThat(dead.get(MailProperties.ENVELOPE_FROM)).isEqualTo("");
        Thread.sleep(3_000); // a notification would be committed with the dead letter and sent within this
        assertThat(SMART_HOST.where(t -> t.text().contains(messageId))).as("nothing mentions the mail, not even to the postmaster").isEmpty();
    }

    @Test
    void aNotificationThatIsItselfRejectedIsDeadLetteredWithoutAnotherNotification() throws Exception {
        String gone = unique("gone-sender", "example.com");
        String typo = unique("typo", "example.net");
        String messageId = Messages.uniqueMessageId();
        SMART_HOST.rejectRecipient(typo, 550, "5.1.1 no such user");
        SMART_HOST.rejectRecipient(gone, 550, "5.1.1 the sender does not exist either");
        assertThat(send(gone, List.of(typo), Messages.simple(messageId, gone, typo, "double bounce"))).startsWith("250 ");

        // the notification reaches the postmaster; the sender's copy dies as a dead letter of its own
        Map<String, Object> deadNotification = await().atMost(Duration.ofSeconds(20)).until(() -> queues.deadTo(gone), m -> m != null);
        assertThat(deadNotification.get(MailProperties.INTAKE)).isEqualTo("bounce");
        assertThat(deadNotification.get(MailProperties.ENVELOPE_FROM)).isEqualTo("");
        Thread.sleep(3_000);
        assertThat(SMART_HOST.where(t -> t.text().contains(messageId)))
            .singleElement().satisfies(t -> {
                assertThat(t.from()).isEmpty();
                assertThat(t.recipients()).containsExactly(POSTMASTER);
            });
    }

    @Test
    void mailStillDeferredAfterTheWarningTimeSendsTheSenderOneDelayWarningThenIsDelivered() throws Exception {
        String sender = unique("patient", "example.com");
        String busy = unique("busy", "example.net");
        String messageId = Messages.uniqueMessageId();
        SMART_HOST.rejectRecipient(busy, 450, "4.2.1 mailbox busy, try later");
        try {
            assertThat(send(sender, List.of(busy), Messages.simple(messageId, sender, busy, "slowly"))).startsWith("250 ");

            TestSmartHost.Transaction warning = awaitNotificationTo(sender);
            assertThat(warning.from()).isEmpty();
            assertThat(warning.recipients()).as("the postmaster gets copies of failures only").containsExactly(sender);
            MimeMessage report = parse(warning.data());
            assertThat(report.getSubject()).isEqualTo("Delayed Mail (still being retried)");
            List<InternetHeaders> status = deliveryStatus((MimeMultipart) report.getContent());
            assertThat(status.get(1).getHeader("Final-Recipient", null)).isEqualTo("rfc822; " + busy);
            assertThat(status.get(1).getHeader("Action", null)).isEqualTo("delayed");
            assertThat(status.get(1).getHeader("Status", null)).isEqualTo("4.2.1");
            assertThat(status.get(1).getHeader("Will-Retry-Until", null)).isNotBlank();

            // more attempts after the warning: still deferred, remembered as warned, and not warned again
            int attemptsAtWarning = SMART_HOST.rcptCount(busy);
            await().atMost(Duration.ofSeconds(20)).until(() -> SMART_HOST.rcptCount(busy) >= attemptsAtWarning + 2);
            Map<String, Object> deferred = await().atMost(Duration.ofSeconds(10)).until(() -> queues.deferredTo(busy), m -> m != null);
            assertThat(deferred.get(MailProperties.DELAY_WARNED_AT)).isInstanceOf(Long.class);
            assertThat(notificationsTo(sender)).hasSize(1);
        } finally {
            SMART_HOST.acceptRecipient(busy);
        }
        SMART_HOST.awaitAccepted(messageId);
        Thread.sleep(2_000);
        assertThat(notificationsTo(sender)).as("delivered in the end: no failure notice").hasSize(1);
    }

    // ---- helpers ----------------------------------------------------------------------------------------

    static String unique(String local, String domain) {
        return local + "-" + UUID.randomUUID().toString().substring(0, 8) + "@" + domain;
    }

    private String send(String from, List<String> to, String message) throws IOException {
        return SmtpClient.send(listeners.relayPort(), from, to, message);
    }

    static List<TestSmartHost.Transaction> notificationsTo(TestSmartHost smartHost, String sender) {
        return smartHost.where(t -> t.from() != null && t.from().isEmpty() && t.recipients().contains(sender));
    }

    private static List<TestSmartHost.Transaction> notificationsTo(String sender) {
        return notificationsTo(SMART_HOST, sender);
    }

    private static TestSmartHost.Transaction awaitNotificationTo(String sender) {
        return await().atMost(Duration.ofSeconds(20))
            .until(() -> notificationsTo(sender).stream().findFirst().orElse(null), t -> t != null);
    }

    static MimeMessage parse(byte[] data) throws Exception {
        return new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(data));
    }

    /** The message/delivery-status part as field groups: per message first, then one per recipient. */
    static List<InternetHeaders> deliveryStatus(MimeMultipart parts) throws Exception {
        String text = new String(parts.getBodyPart(1).getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        List<InternetHeaders> groups = new ArrayList<>();
        for (String group : text.split("\r\n\r\n")) {
            if (!group.isBlank()) {
                groups.add(new InternetHeaders(new ByteArrayInputStream((group + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII))));
            }
        }
        return groups;
    }
}

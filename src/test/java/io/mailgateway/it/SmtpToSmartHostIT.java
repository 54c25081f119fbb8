package io.mailgateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mailgateway.it.support.BrokerQueues;
import io.mailgateway.it.support.Messages;
import io.mailgateway.it.support.SmtpClient;
import io.mailgateway.it.support.TestDataDirs;
import io.mailgateway.it.support.TestSmartHost;
import io.mailgateway.queue.MailProperties;
import io.mailgateway.queue.QueueNames;
import io.mailgateway.smtp.SmtpListeners;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
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
 * SMTP in, smart host out: a real SMTP server on a loopback port is the smart host. One delivery thread,
 * so connection reuse is observable; retry delays of a second, so deferrals resolve within the test.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE, properties = {
    "gateway.smtp.relay.port=0",
    "gateway.hostname=gateway.test",
    "gateway.delivery.mode=smarthost",
    "gateway.delivery.smarthost.host=127.0.0.1",
    "gateway.delivery.smarthost.tls=none",
    "gateway.delivery.concurrency=1",
    "gateway.delivery.connect-timeout=2s",
    "gateway.delivery.read-timeout=10s",
    "gateway.delivery.retry.initial-delay=1s",
    "gateway.delivery.retry.max-delay=2s"})
@DirtiesContext
class SmtpToSmartHostIT {

    private static final Path DATA = TestDataDirs.fresh("smarthost");
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
    void smartHostReceivesTheSentBytesUnchangedApartFromTheReceivedHeader() throws IOException {
        String messageId = Messages.uniqueMessageId();
        // a line starting with a dot must survive dot-stuffing both ways; 8-bit text must pass unchanged
        String message = "Date: Fri, 04 Dec 2026 10:00:00 +0000\r\n"
            + "Message-ID: " + messageId + "\r\n"
            + "From: <alice@example.com>\r\n"
            + "To: <bob@example.net>\r\n"
            + "Subject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?=\r\n"
            + "MIME-Version: 1.0\r\n"
            + "Content-Type: text/plain; charset=UTF-8\r\n"
            + "Content-Transfer-Encoding: 8bit\r\n"
            + "\r\n"
            + "Grüße aus dem Büro\r\n"
            + "..a line that starts with a dot\r\n"
            + ".\tand another\r\n";
        String sent = message.replace("\r\n..", "\r\n...").replace("\r\n.\t", "\r\n..\t"); // client-side stuffing
        String reply = sendUtf8("alice@example.com", List.of("bob@example.net", "hidden@example.org"), sent);
        assertThat(reply).startsWith("250 ");

        TestSmartHost.Transaction delivered = SMART_HOST.awaitAccepted(messageId);
        assertThat(delivered.from()).isEqualTo("alice@example.com");
        assertThat(delivered.recipients()).containsExactly("bob@example.net", "hidden@example.org");
        String received = delivered.text();
        assertThat(received).startsWith("Received: from client.test ([127.0.0.1])\r\n\tby gateway.test (Mail Gateway) with ESMTP id ");
        String withoutReceived = received.substring(received.indexOf("\r\nDate: ") + 2);
        assertThat(delivered.data()).endsWith(message.getBytes(StandardCharsets.UTF_8));
        assertThat(withoutReceived.getBytes(StandardCharsets.UTF_8)).isEqualTo(message.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void oneConnectionCarriesManyMessages() throws IOException {
        List<String> ids = new java.util.ArrayList<>();
        try (SmtpClient client = SmtpClient.connect(listeners.relayPort())) {
            client.reply();
            client.command("EHLO client.test");
            for (int i = 0; i < 10; i++) {
                String id = Messages.uniqueMessageId();
                ids.add(id);
                String reply = client.transaction("alice@example.com", List.of("bob@example.net"),
                    Messages.simple(id, "alice@example.com", "bob@example.net", "reuse " + i));
                assertThat(reply).startsWith("250 ");
            }
        }
        Set<String> sessions = ids.stream().map(SMART_HOST::awaitAccepted)
            .map(TestSmartHost.Transaction::sessionId).collect(Collectors.toSet());
        assertThat(sessions).hasSize(1);
    }

    @Test
    void mailIsDeferredWhileTheSmartHostIsDownAndDeliveredOnceWhenItIsBack() throws Exception {
        String id = Messages.uniqueMessageId();
        SMART_HOST.stop();
        try {
            assertThat(send("alice@example.com", List.of("down@example.net"),
                Messages.simple(id, "alice@example.com", "down@example.net", "down then up"))).startsWith("250 ");
            Map<String, Object> deferred = await().atMost(Duration.ofSeconds(20))
                .until(() -> queues.deferredTo("down@example.net"), m -> m != null);
            assertThat(deferred.get(MailProperties.ATTEMPTS)).isEqualTo(1);
            assertThat((String) deferred.get(MailProperties.LAST_ERROR)).contains("cannot connect to 127.0.0.1:" + SMART_HOST.port());
            assertThat((Long) deferred.get(MailProperties.NEXT_ATTEMPT_AT)).isGreaterThan(System.currentTimeMillis() - 5_000);
        } finally {
            SMART_HOST.start();
        }
        SMART_HOST.awaitAccepted(id);
        Thread.sleep(3_000); // longer than the retry delay: a second delivery would have happened by now
        assertThat(SMART_HOST.withMessageId(id)).hasSize(1);
        assertThat(queues.scheduled(QueueNames.OUTBOUND)).isEmpty();
    }

    @Test
    void a451IsRetriedAndDeliveredExactlyOnceOnTheSecondAttempt() throws Exception {
        String id = Messages.uniqueMessageId();
        SMART_HOST.refuseNextData(451, "4.3.0 Try again later");
        assertThat(send("alice@example.com", List.of("later@example.net"),
            Messages.simple(id, "alice@example.com", "later@example.net", "451 then 250"))).startsWith("250 ");

        SMART_HOST.awaitAccepted(id);
        Thread.sleep(3_000);
        List<TestSmartHost.Transaction> attempts = SMART_HOST.withMessageId(id);
        assertThat(attempts).extracting(TestSmartHost.Transaction::reply).containsExactly(451, 250);
    }

    @Test
    void a550GoesToTheDeadLettersWithItsTextAndIsNeverRetried() throws Exception {
        String id = Messages.uniqueMessageId();
        SMART_HOST.rejectRecipient("nobody@example.net", 550, "5.1.1 <nobody@example.net>: Recipient address rejected");
        assertThat(send("alice@example.com", List.of("nobody@example.net"),
            Messages.simple(id, "alice@example.com", "nobody@example.net", "550"))).startsWith("250 ");

        Map<String, Object> dead = await().atMost(Duration.ofSeconds(20)).until(() -> queues.deadTo("nobody@example.net"), m -> m != null);
        assertThat((String) dead.get(MailProperties.DEAD_REASON))
            .contains("550 5.1.1 <nobody@example.net>: Recipient address rejected")
            .contains("in reply to RCPT TO");
        Thread.sleep(3_000);
        assertThat(SMART_HOST.rcptCount("nobody@example.net")).isEqualTo(1);
        assertThat(SMART_HOST.withMessageId(id)).isEmpty();
    }

    @Test
    void aRecipientRejectedWith550IsDeadLetteredAloneWhileTheOtherIsDelivered() throws Exception {
        String id = Messages.uniqueMessageId();
        SMART_HOST.rejectRecipient("gone@example.net", 550, "5.1.1 No such user");
        assertThat(send("alice@example.com", List.of("gone@example.net", "here@example.net"),
            Messages.simple(id, "alice@example.com", "here@example.net", "one of two"))).startsWith("250 ");

        TestSmartHost.Transaction delivered = SMART_HOST.awaitAccepted(id);
        assertThat(delivered.recipients()).containsExactly("here@example.net");
        Map<String, Object> dead = await().atMost(Duration.ofSeconds(20)).until(() -> queues.deadTo("gone@example.net"), m -> m != null);
        assertThat(dead.get(MailProperties.ENVELOPE_TO)).isEqualTo("gone@example.net");
        assertThat((String) dead.get(MailProperties.DEAD_REASON)).contains("550 5.1.1 No such user");
        Thread.sleep(3_000);
        assertThat(SMART_HOST.withMessageId(id)).hasSize(1);
        assertThat(SMART_HOST.rcptCount("here@example.net")).isEqualTo(1);
    }

    private String send(String from, List<String> to, String message) throws IOException {
        return SmtpClient.send(listeners.relayPort(), from, to, message);
    }

    private String sendUtf8(String from, List<String> to, String message) throws IOException {
        try (SmtpClient client = SmtpClient.connect(listeners.relayPort())) {
            client.reply();
            client.command("EHLO client.test");
            client.command("MAIL FROM:<" + from + "> BODY=8BITMIME");
            for (String r : to) {
                client.command("RCPT TO:<" + r + ">");
            }
            client.command("DATA");
            client.writeBytes(message.getBytes(StandardCharsets.UTF_8));
            return client.command(".");
        }
    }
}

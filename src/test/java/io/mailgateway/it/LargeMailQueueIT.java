package io.mailgateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mailgateway.console.MailQueue;
import io.mailgateway.it.support.TestDataDirs;
import io.mailgateway.mail.MailContent;
import io.mailgateway.mail.MailEnvelope;
import io.mailgateway.mail.QueueIds;
import io.mailgateway.mail.QueuedMail;
import io.mailgateway.queue.MailBodies;
import io.mailgateway.queue.OutboundQueue;
import io.mailgateway.queue.QueueNames;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A large mail in the queue is an Artemis large message, streamed in and out: duplicate detection still
 * keeps one copy per duplicate id, and the capture outbox gets every byte from the spool file, which is
 * gone afterwards.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE, properties = "gateway.delivery.mode=capture")
@DirtiesContext
class LargeMailQueueIT {

    private static final Path DATA = TestDataDirs.fresh("large-queue");
    private static final Path LARGE_MESSAGES = DATA.resolve("broker").resolve("large-messages");

    @DynamicPropertySource
    static void dataDir(DynamicPropertyRegistry registry) {
        registry.add("gateway.data-dir", DATA::toString);
    }

    @Autowired
    OutboundQueue queue;

    @Autowired
    MailQueue console;

    @Autowired
    EmbeddedActiveMQ broker;


    @Test
    void aLargeMailQueuedTwiceUnderOneDuplicateIdIsKeptOnceAndCapturedByteExact() throws Exception {
        stopDelivery();
        StringBuilder text = new StringBuilder("From: <tool@example.com>\r\nTo: <ops@example.net>\r\n"
            + "Message-ID: <large-queue@tool.example>\r\nSubject: large\r\n\r\n");
        while (text.length() < 3_000_000) {
            text.append("QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9wcXJzdHV2d3h5ejAxMjM0\r\n");
        }
        Path file = Files.writeString(Files.createDirectories(DATA).resolve("large.eml"), text, StandardCharsets.US_ASCII);
        MailContent content = MailContent.ofFile(file, 0, Files.size(file));
        QueuedMail mail = QueuedMail.received(QueueIds.next(), new MailEnvelope("tool@example.com", List.of("ops@example.net")),
            content, new QueuedMail.Trace("pickup", Instant.now(), "pickup:large.eml", null));

        queue.enqueue(mail, "pickup:large.eml:1");
        queue.enqueue(mail, "pickup:large.eml:1"); // as after a crash before the file was moved

        assertThat(console.getReadyCount()).isEqualTo(1);
        assertThat(count(LARGE_MESSAGES)).as("a file of its own in large-messages/").isEqualTo(1);

        resumeDelivery();
        Path outbox = DATA.resolve("outbox");
        Path captured = await().atMost(Duration.ofSeconds(30))
            .until(() -> emlContaining(outbox, "<large-queue@tool.example>"), f -> f != null);
        byte[] expected = ("X-Envelope-From: <tool@example.com>\r\nX-Envelope-To: <ops@example.net>\r\n" + text)
            .getBytes(StandardCharsets.US_ASCII);
        assertThat(Files.readAllBytes(captured)).isEqualTo(expected);
        await().atMost(Duration.ofSeconds(30)).until(() -> count(DATA.resolve("spool")) == 0);
        assertThat(console.getReadyCount()).isZero();
    }

    @Test
    void aMailAtTheStreamingThresholdWithManyRecipientsStaysAJournalRecordAndArrivesByteExact() throws Exception {
        stopDelivery();
        byte[] bytes;
        try {
            String head = "From: <tool@example.com>\r\nTo: <ops@example.net>\r\nMessage-ID: <threshold@tool.example>\r\n"
                + "Subject: exactly at the threshold\r\n\r\n";
            StringBuilder text = new StringBuilder(head);
            while (text.length() < MailBodies.STREAM_ABOVE) {
                text.append("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789\r\n");
            }
            text.setLength((int) MailBodies.STREAM_ABOVE - 2);
            text.append("\r\n");
            // 100 recipients: the queued mail's properties grow by some KB; the message must still fit one
            // journal record (minLargeMessageSize leaves room above STREAM_ABOVE)
            List<String> recipients = IntStream.range(0, 100)
                .mapToObj(i -> "recipient-number-" + i + "@a-rather-long-domain-name.example.net").toList();
            bytes = text.toString().getBytes(StandardCharsets.US_ASCII);
            assertThat(bytes).hasSize((int) MailBodies.STREAM_ABOVE);
            QueuedMail mail = QueuedMail.received(QueueIds.next(), new MailEnvelope("tool@example.com", recipients),
                MailContent.of(bytes), new QueuedMail.Trace("smtp", Instant.now(), "smtp:127.0.0.1", null));

            queue.enqueue(mail, null);

            assertThat(console.getReadyCount()).isEqualTo(1);
            assertThat(count(LARGE_MESSAGES)).as("no large-message file: a record in the journal").isZero();
        } finally {
            resumeDelivery();
        }
        Path captured = await().atMost(Duration.ofSeconds(30))
            .until(() -> emlContaining(DATA.resolve("outbox"), "<threshold@tool.example>"), f -> f != null);
        byte[] eml = Files.readAllBytes(captured);
        assertThat(new String(eml, StandardCharsets.US_ASCII))
            .contains("<recipient-number-99@a-rather-long-domain-name.example.net>");
        assertThat(eml).endsWith(bytes);
    }

    /**
     * Holds delivery at the broker: a paused queue keeps every mail queued and dispatches none, whatever its
     * consumers are doing. (Stopping the delivery route was not enough: a consumer still in its last receive
     * took the mail and, stopping, rolled it back into the broker's 30 s redelivery delay.)
     */
    private void stopDelivery() throws Exception {
        outbound().pause();
    }

    private void resumeDelivery() {
        outbound().resume();
    }

    private org.apache.activemq.artemis.core.server.Queue outbound() {
        return broker.getActiveMQServer().locateQueue(QueueNames.OUTBOUND);
    }

    private static Path emlContaining(Path folder, String messageId) throws IOException {
        if (!Files.isDirectory(folder)) {
            return null;
        }
        try (Stream<Path> files = Files.list(folder)) {
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".eml")).toList()) {
                if (Files.readString(file, StandardCharsets.ISO_8859_1).contains(messageId)) {
                    return file;
                }
            }
        }
        return null;
    }

    private static long count(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            return 0;
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.count();
        }
    }
}

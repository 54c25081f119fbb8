package io.mailgateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mailgateway.console.MailQueue;
import io.mailgateway.it.support.TestDataDirs;
import io.mailgateway.mail.MailContent;
import io.mailgateway.mail.MailEnvelope;
import io.mailgateway.mail.QueueIds;
import io.mailgateway.mail.QueuedMail;
import io.mailgateway.queue.OutboundQueue;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.apache.camel.CamelContext;
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

    @DynamicPropertySource
    static void dataDir(DynamicPropertyRegistry registry) {
        registry.add("gateway.data-dir", DATA::toString);
    }

    @Autowired
    OutboundQueue queue;

    @Autowired
    MailQueue console;

    @Autowired
    CamelContext camel;

    @Test
    void aLargeMailQueuedTwiceUnderOneDuplicateIdIsKeptOnceAndCapturedByteExact() throws Exception {
        camel.getRouteController().stopRoute("deliver");
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

        camel.getRouteController().startRoute("deliver");
        Path outbox = DATA.resolve("outbox");
        Path captured = await().atMost(Duration.ofSeconds(30)).until(() -> emlIn(outbox), f -> f != null);
        byte[] expected = ("X-Envelope-From: <tool@example.com>\r\nX-Envelope-To: <ops@example.net>\r\n" + text)
            .getBytes(StandardCharsets.US_ASCII);
        assertThat(Files.readAllBytes(captured)).isEqualTo(expected);
        await().atMost(Duration.ofSeconds(30)).until(() -> count(DATA.resolve("spool")) == 0);
        assertThat(console.getReadyCount()).isZero();
    }

    private static Path emlIn(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            return null;
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".eml")).findFirst().orElse(null);
        }
    }

    private static long count(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.count();
        }
    }
}

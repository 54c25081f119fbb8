package io.mailgateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mailgateway.it.support.Messages;
import io.mailgateway.it.support.SmtpClient;
import io.mailgateway.it.support.TestDataDirs;
import io.mailgateway.smtp.SmtpListeners;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The developer's setup: no smart host configured, so mail is captured to the outbox. Only 127.0.0.1 is
 * trusted here, so that a client on 127.0.0.2 plays the untrusted outsider.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE, properties = {
    "gateway.smtp.relay.port=0",
    "gateway.smtp.trusted-networks=127.0.0.1/32",
    "gateway.hostname=gateway.test"})
@DirtiesContext
class SmtpToCaptureIT {

    private static final Path DATA = TestDataDirs.fresh("capture");

    @DynamicPropertySource
    static void dataDir(DynamicPropertyRegistry registry) {
        registry.add("gateway.data-dir", DATA::toString);
    }

    @Autowired
    SmtpListeners listeners;

    @Test
    void capturedMailKeepsTheEnvelopeIncludingABccOnlyRecipient() throws IOException {
        String body = "Date: Fri, 04 Dec 2026 10:00:00 +0000\r\n"
            + "Message-ID: <bcc-test@client.test>\r\n"
            + "From: <alice@example.com>\r\n"
            + "To: <bob@example.net>\r\n"
            + "Cc: <header-only@example.org>\r\n"
            + "Subject: envelope test\r\n"
            + "\r\n"
            + "body\r\n";
        String reply;
        try (SmtpClient client = SmtpClient.connect(listeners.relayPort())) {
            assertThat(client.reply()).startsWith("220 gateway.test");
            reply = client.sendMail("alice@example.com", List.of("bob@example.net", "secret@example.org"), body);
        }
        assertThat(reply).startsWith("250 2.0.0 Ok: queued as ");
        String queueId = reply.substring("250 2.0.0 Ok: queued as ".length()).trim();

        Path captured = awaitCaptured(queueId);
        String text = Files.readString(captured, StandardCharsets.UTF_8);
        assertThat(text).startsWith("X-Envelope-From: <alice@example.com>\r\n"
            + "X-Envelope-To: <bob@example.net>\r\n"
            + "X-Envelope-To: <secret@example.org>\r\n"
            + "Received: from client.test ([127.0.0.1])\r\n\tby gateway.test (Mail Gateway) with ESMTP id " + queueId);
        assertThat(text).doesNotContain("X-Envelope-To: <header-only@example.org>");
        assertThat(text).endsWith("\r\n" + body);
    }

    @Test
    void missingDateAndMessageIdAreAdded() throws IOException {
        String body = "From: <alice@example.com>\r\nTo: <bob@example.net>\r\nSubject: bare\r\n\r\nhi\r\n";
        String reply = SmtpClient.send(listeners.relayPort(), "alice@example.com", List.of("bob@example.net"), body);
        assertThat(reply).startsWith("250 ");
        String queueId = reply.substring("250 2.0.0 Ok: queued as ".length()).trim();

        String text = Files.readString(awaitCaptured(queueId), StandardCharsets.UTF_8);
        assertThat(text).containsPattern("\r\nDate: [A-Z][a-z]{2}, \\d{1,2} [A-Z][a-z]{2} \\d{4} \\d{2}:\\d{2}:\\d{2} [+-]?\\S+\r\n");
        assertThat(text).contains("\r\nMessage-ID: <" + queueId.toLowerCase() + "@gateway.test>\r\n");
        assertThat(text).endsWith(body);
    }

    @Test
    void untrustedClientCannotRelayToAnOutsideRecipient() throws IOException {
        try (SmtpClient outsider = SmtpClient.connect(InetAddress.getLoopbackAddress(), listeners.relayPort(),
                InetAddress.getByName("127.0.0.2"))) {
            outsider.reply();
            assertThat(outsider.command("EHLO outsider.test")).startsWith("250");
            assertThat(outsider.command("MAIL FROM:<spammer@outside.test>")).startsWith("250");
            assertThat(outsider.command("RCPT TO:<victim@elsewhere.test>"))
                .isEqualTo("554 5.7.1 Relay access denied: authenticate or send from a trusted network");
            assertThat(outsider.command("DATA")).startsWith("503");
        }
        try (Stream<Path> files = Files.list(DATA.resolve("outbox")).filter(Files::isRegularFile)) {
            assertThat(files.map(this::read)).noneMatch(text -> text.contains("victim@elsewhere.test"));
        } catch (java.nio.file.NoSuchFileException nothingCapturedYet) {
            // no outbox at all: nothing was queued either
        }
    }

    private Path awaitCaptured(String queueId) {
        Path outbox = DATA.resolve("outbox");
        return await().atMost(Duration.ofSeconds(20)).until(() -> {
            if (!Files.isDirectory(outbox)) {
                return null;
            }
            try (Stream<Path> files = Files.list(outbox)) {
                return files.filter(p -> p.getFileName().toString().contains(queueId)
                    && p.getFileName().toString().endsWith(".eml")).findFirst().orElse(null);
            }
        }, p -> p != null);
    }

    private String read(Path path) {
        try {
            return Files.readString(path, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}

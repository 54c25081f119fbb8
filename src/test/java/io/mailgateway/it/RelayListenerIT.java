package io.mailgateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mailgateway.it.support.SmtpClient;
import io.mailgateway.it.support.TestDataDirs;
import io.mailgateway.smtp.SmtpListeners;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The relay listener as an attacker meets it: byte-exact transcripts over plain sockets. Only 127.0.0.1
 * is trusted here; 127.0.0.2 plays the outsider; example.test is the one accepted domain.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE, properties = {
    "gateway.hostname=gateway.test",
    "gateway.smtp.trusted-networks=127.0.0.1/32",
    "gateway.smtp.accepted-domains=example.test",
    "gateway.smtp.max-message-size=10KB",
    "gateway.smtp.max-recipients=3",
    "gateway.smtp.max-errors=5",
    "gateway.smtp.data-timeout=2s",
    "gateway.smtp.idle-timeout=3s"})
@DirtiesContext
class RelayListenerIT {

    private static final Path DATA = TestDataDirs.fresh("relay-listener");
    private static final InetAddress OUTSIDER = address("127.0.0.2");

    @DynamicPropertySource
    static void dataDir(DynamicPropertyRegistry registry) {
        registry.add("gateway.data-dir", DATA::toString);
    }

    @Autowired
    SmtpListeners listeners;

    @Test
    void ehloAdvertisesOnlyWhatIsImplemented() throws IOException {
        try (SmtpClient client = connect()) {
            String ehlo = client.command("EHLO client.test");
            assertThat(ehlo).isEqualTo("250-gateway.test\n250-SIZE 10240\n250-8BITMIME\n250-SMTPUTF8\n250-STARTTLS\n250 HELP");
        }
    }

    @Test
    void authBeforeTlsIsRefusedWith538() throws IOException {
        try (SmtpClient client = connect()) {
            client.command("EHLO client.test");
            assertThat(client.command("AUTH PLAIN AGFsaWNlAHNlY3JldA==")).isEqualTo(
                "538 5.7.11 Encryption required for requested authentication mechanism");
        }
    }

    /** Each SMTP-smuggling end-of-data variant, followed by a complete second transaction. */
    @ParameterizedTest
    @ValueSource(strings = {"\n.\n", "\n.\r\n", "\r.\r", "\r\n.\r", "\r.\r\n", "\r\n\u0000.\r\n", "\n.\r", ".\n"})
    void noSmugglingVariantYieldsASecondMessage(String fakeEnd) throws Exception {
        String marker = "smuggled-" + Integer.toHexString(fakeEnd.hashCode());
        String smuggling = "From: <alice@example.com>\r\nTo: <bob@example.net>\r\nSubject: first\r\n\r\nbody"
            + fakeEnd
            + "MAIL FROM:<evil@example.com>\r\nRCPT TO:<victim@example.net>\r\nDATA\r\n"
            + "Subject: " + marker + "\r\n\r\nI was smuggled\r\n";
        try (SmtpClient client = connect()) {
            client.command("EHLO client.test");
            assertThat(client.command("MAIL FROM:<alice@example.com>")).startsWith("250");
            assertThat(client.command("RCPT TO:<bob@example.net>")).startsWith("250");
            assertThat(client.command("DATA")).startsWith("354");
            client.write(smuggling);
            String reply = client.command(".");
            assertThat(reply).startsWith("550 5.");
            // the session is still in step: the next command gets its own reply, not a smuggled one's
            assertThat(client.command("NOOP")).startsWith("250");
            String after = client.transaction("alice@example.com", List.of("bob@example.net"),
                "Subject: after " + marker + "\r\n\r\nlegit\r\n");
            assertThat(after).startsWith("250 ");
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> outboxContains("after " + marker));
        assertThat(outboxContains("Subject: " + marker + "\r\n")).isFalse();
        assertThat(outboxContains("victim@example.net")).isFalse();
    }

    @Test
    void aBareLineFeedInACommandClosesTheConnection() throws IOException {
        try (SmtpClient client = connect()) {
            client.command("EHLO client.test");
            client.write("MAIL FROM:<alice@example.com>\n");
            assertThat(client.reply()).isEqualTo("421 4.5.2 Bare CR or LF, or NUL, in a command line; closing connection");
            assertThat(client.isClosedByServer()).isTrue();
        }
    }

    @Test
    void aNulInACommandClosesTheConnection() throws IOException {
        try (SmtpClient client = connect()) {
            client.command("EHLO client.test");
            assertThat(client.command("MAIL FROM:<alice@exam\u0000ple.com>")).startsWith("421 4.5.2");
            assertThat(client.isClosedByServer()).isTrue();
        }
    }

    @Test
    void aCommandLineOver512OctetsGets500AndTheSessionGoesOn() throws IOException {
        try (SmtpClient client = connect()) {
            client.command("EHLO client.test");
            String longLine = "MAIL FROM:<" + "a".repeat(600) + "@example.com>";
            assertThat(client.command(longLine)).isEqualTo("500 5.5.2 Line too long (at most 512 octets)");
            assertThat(client.command("NOOP")).startsWith("250");
            String exactly512 = "NOOP " + "x".repeat(512 - 5 - 2);
            assertThat(client.command(exactly512)).startsWith("250");
        }
    }

    @Test
    void tooManyErrorsEndTheSession() throws IOException {
        try (SmtpClient client = connect()) {
            for (int i = 0; i < 5; i++) {
                assertThat(client.command("BOGUS" + i)).startsWith("500");
            }
            assertThat(client.command("NOOP")).isEqualTo("421 4.7.0 Too many errors; closing connection");
            assertThat(client.isClosedByServer()).isTrue();
        }
    }

    @Test
    void aDeclaredSizeOverTheLimitIsRefusedBeforeData() throws IOException {
        try (SmtpClient client = connect()) {
            client.command("EHLO client.test");
            assertThat(client.command("MAIL FROM:<alice@example.com> SIZE=20000"))
                .isEqualTo("552 5.3.4 Message size exceeds fixed maximum message size");
        }
    }

    @Test
    void anUndeclaredOversizedMessageIsRefusedAfterDataAndNotQueued() throws IOException {
        String marker = "oversized-" + System.nanoTime();
        try (SmtpClient client = connect()) {
            client.command("EHLO client.test");
            String reply = client.transaction("alice@example.com", List.of("bob@example.net"),
                "Subject: " + marker + "\r\n\r\n" + "x".repeat(70).concat("\r\n").repeat(200));
            assertThat(reply).isEqualTo("552 5.3.4 Message exceeds the size limit");
            assertThat(client.command("MAIL FROM:<alice@example.com>")).startsWith("250");
        }
        assertThat(outboxContains(marker)).isFalse();
    }

    @Test
    void recipientsBeyondTheLimitGet452() throws IOException {
        try (SmtpClient client = connect()) {
            client.command("EHLO client.test");
            client.command("MAIL FROM:<alice@example.com>");
            for (int i = 0; i < 3; i++) {
                assertThat(client.command("RCPT TO:<r" + i + "@example.net>")).startsWith("250");
            }
            assertThat(client.command("RCPT TO:<r3@example.net>")).isEqualTo("452 4.5.3 Too many recipients");
        }
    }

    @Test
    void anOutsiderMaySendOnlyToPlainAddressesOfAcceptedDomains() throws IOException {
        try (SmtpClient client = outsider()) {
            assertThat(client.command("RCPT TO:<postmaster@example.test>")).startsWith("250");
            assertThat(client.command("RCPT TO:<Info@Example.TEST.>")).startsWith("250");
        }
        for (String trick : List.of(
                    "victim@outside.test",
                    "victim%outside.test@example.test",
                    "@example.test:victim@outside.test",
                    "outside.test!victim@example.test",
                    "\"victim@outside.test\"@example.test",
                    "victim@[127.0.0.1]",
                    "victim@example.test.outside.test",
                    "victim@outside.test@example.test")) {
            try (SmtpClient client = outsider()) { // one session per trick: each refusal counts as an error
                assertThat(client.command("RCPT TO:<" + trick + ">")).as(trick)
                    .isEqualTo("554 5.7.1 Relay access denied: authenticate or send from a trusted network");
            }
        }
    }

    private SmtpClient outsider() throws IOException {
        SmtpClient client = SmtpClient.connect(InetAddress.getLoopbackAddress(), listeners.relayPort(), OUTSIDER);
        client.reply();
        client.command("EHLO outsider.test");
        assertThat(client.command("MAIL FROM:<someone@outside.test>")).startsWith("250");
        return client;
    }

    @Test
    void dataThatTricklesPastTheDeadlineEndsTheSession() throws Exception {
        try (SmtpClient client = connect()) {
            client.command("EHLO client.test");
            client.command("MAIL FROM:<alice@example.com>");
            client.command("RCPT TO:<bob@example.net>");
            assertThat(client.command("DATA")).startsWith("354");
            try {
                for (int i = 0; i < 20; i++) { // 6 s of trickling against a 2 s deadline
                    client.write("slow line " + i + "\r\n");
                    Thread.sleep(300);
                }
            } catch (java.net.SocketException closedByServer) {
                // expected: the gateway hung up mid-DATA
            }
            assertThat(client.reply()).isEqualTo("421 4.4.2 DATA took too long; closing connection");
        }
    }

    @Test
    void anIdleClientIsDisconnectedWithAnEnhancedCode() throws IOException {
        try (SmtpClient client = connect()) {
            client.command("EHLO client.test");
            long start = System.nanoTime();
            assertThat(client.reply()).isEqualTo("421 4.4.2 Idle for too long; closing connection");
            assertThat(java.time.Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(java.time.Duration.ofSeconds(2));
            assertThat(client.isClosedByServer()).isTrue();
        }
    }

    @Test
    void bdatIsNotOffered() throws IOException {
        try (SmtpClient client = connect()) {
            client.command("EHLO client.test");
            client.command("MAIL FROM:<alice@example.com>");
            client.command("RCPT TO:<bob@example.net>");
            assertThat(client.command("BDAT 5 LAST")).isEqualTo("502 5.5.1 BDAT not supported");
        }
    }

    @Test
    void proxyAndXclientAreNeverTrusted() throws IOException {
        try (SmtpClient client = connect()) {
            assertThat(client.command("PROXY TCP4 10.9.8.7 127.0.0.1 40000 25")).startsWith("500");
            client.command("EHLO client.test");
            assertThat(client.command("XCLIENT ADDR=10.9.8.7 NAME=trusted.example")).startsWith("500");
            // still the loopback client it really is
            String reply = client.transaction("alice@example.com", List.of("bob@example.net"),
                "Subject: after xclient\r\n\r\nbody\r\n");
            assertThat(reply).startsWith("250 ");
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> outboxContains("Subject: after xclient"));
        assertThat(outboxContains("[10.9.8.7]")).isFalse();
    }

    @Test
    void internationalisedAddressesAndEightBitBodiesAreKeptExactly() throws Exception {
        try (SmtpClient client = connect()) {
            client.command("EHLO client.test");
            client.writeBytes("MAIL FROM:<jörg@exämple.com> BODY=8BITMIME SMTPUTF8\r\n".getBytes(StandardCharsets.UTF_8));
            assertThat(client.reply()).startsWith("250");
            client.writeBytes("RCPT TO:<bücher@beispiel.example>\r\n".getBytes(StandardCharsets.UTF_8));
            assertThat(client.reply()).startsWith("250");
            assertThat(client.command("DATA")).startsWith("354");
            client.writeBytes("Subject: Grüße\r\n\r\nÄpfel und Birnen\r\n".getBytes(StandardCharsets.UTF_8));
            assertThat(client.command(".")).startsWith("250 ");
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> outboxContains("Äpfel und Birnen"));
        assertThat(outboxContains("X-Envelope-From: <jörg@exämple.com>\r\nX-Envelope-To: <bücher@beispiel.example>")).isTrue();
    }

    @Test
    void anAddressSubethaSmtpWouldReadDifferentlyIsRefused() throws IOException {
        try (SmtpClient client = connect()) {
            client.command("EHLO client.test");
            assertThat(client.command("MAIL FROM:<\"ceo@victim.test>\"@example.com>")).isEqualTo("501 5.1.7 Bad sender address syntax");
            assertThat(client.command("MAIL FROM:<\"a b\"@example.com>")).startsWith("250");
            assertThat(client.command("RCPT TO:<\"x>y\"@example.net>")).isEqualTo("501 5.1.3 Bad recipient address syntax");
        }
    }

    @Test
    void unknownMailParametersAreRefused() throws IOException {
        try (SmtpClient client = connect()) {
            client.command("EHLO client.test");
            assertThat(client.command("MAIL FROM:<alice@example.com> RET=FULL")).isEqualTo("555 5.5.4 Unsupported MAIL FROM parameter");
            assertThat(client.command("MAIL FROM:<alice@example.com> BODY=8BITMIME")).startsWith("250");
            assertThat(client.command("RCPT TO:<bob@example.net> NOTIFY=NEVER")).isEqualTo("555 5.5.4 Unsupported RCPT TO parameter");
        }
    }

    private SmtpClient connect() throws IOException {
        SmtpClient client = SmtpClient.connect(listeners.relayPort());
        assertThat(client.reply()).startsWith("220 gateway.test");
        return client;
    }

    private boolean outboxContains(String text) throws IOException {
        Path outbox = DATA.resolve("outbox");
        if (!Files.isDirectory(outbox)) {
            return false;
        }
        try (Stream<Path> files = Files.list(outbox)) {
            return files.filter(p -> p.toString().endsWith(".eml")).anyMatch(p -> read(p).contains(text));
        }
    }

    private static String read(Path path) {
        try {
            return Files.readString(path, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

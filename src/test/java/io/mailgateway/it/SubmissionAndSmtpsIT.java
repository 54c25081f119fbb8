package io.mailgateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mailgateway.it.support.SmtpClient;
import io.mailgateway.it.support.TestDataDirs;
import io.mailgateway.it.support.Trust;
import io.mailgateway.smtp.SmtpListeners;
import io.mailgateway.smtp.auth.PasswordHasher;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Submission (587 style: STARTTLS, then AUTH, then MAIL) and implicit TLS (465 style), with the
 * gateway's generated self-signed certificate. Nobody is trusted by network here: everything needs AUTH.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE, properties = {
    "gateway.hostname=gateway.test",
    "gateway.smtp.trusted-networks=192.0.2.0/24",
    "gateway.smtp.auth.max-failures=3"})
@DirtiesContext
class SubmissionAndSmtpsIT {

    private static final Path DATA = TestDataDirs.fresh("submission");
    private static final String ALICE_PLAIN = base64("\0alice\0correct horse");

    @DynamicPropertySource
    static void usersAndData(DynamicPropertyRegistry registry) throws IOException {
        Files.createDirectories(DATA);
        Path users = DATA.resolve("users.properties");
        Files.writeString(users,
            "alice=" + PasswordHasher.hash("correct horse".toCharArray()) + "\n"
                + "reports=" + PasswordHasher.hash("battery staple".toCharArray()) + "\n"
                + "reports.senders=reports@example.com\n",
            StandardCharsets.UTF_8);
        registry.add("gateway.data-dir", DATA::toString);
    }

    @Autowired
    SmtpListeners listeners;

    SSLContext trustGateway;

    @BeforeEach
    void trust() {
        trustGateway = Trust.only(listeners.tls().certificate());
    }

    @Test
    void submissionWantsStartTlsThenAuthBeforeMail() throws IOException {
        try (SmtpClient client = SmtpClient.connect(listeners.submissionPort())) {
            client.reply();
            String ehlo = client.command("EHLO client.test");
            assertThat(ehlo).contains("250-STARTTLS").doesNotContain("AUTH");
            assertThat(client.command("MAIL FROM:<alice@example.com>")).isEqualTo("530 5.7.0 Must issue a STARTTLS command first");
            assertThat(client.command("AUTH PLAIN " + ALICE_PLAIN))
                .isEqualTo("538 5.7.11 Encryption required for requested authentication mechanism");
            assertThat(client.command("STARTTLS")).startsWith("220");
            client.upgradeToTls(trustGateway);
            ehlo = client.command("EHLO client.test");
            assertThat(ehlo).contains("250-AUTH PLAIN LOGIN").doesNotContain("STARTTLS");
            assertThat(client.command("STARTTLS")).isEqualTo("503 5.5.1 TLS already active");
            assertThat(client.command("MAIL FROM:<alice@example.com>")).isEqualTo("530 5.7.0 Authentication required");
            assertThat(client.command("AUTH PLAIN " + ALICE_PLAIN)).isEqualTo("235 2.7.0 Authentication successful");
            assertThat(client.command("AUTH PLAIN " + ALICE_PLAIN)).isEqualTo("503 5.5.1 Already authenticated");
            String reply = client.transaction("alice@example.com", List.of("bob@example.net"),
                "Subject: via submission\r\n\r\nhello\r\n");
            assertThat(reply).startsWith("250 2.0.0 Ok: queued as ");
        }
        String captured = awaitCaptured("via submission");
        assertThat(captured).contains("with ESMTPSA id");
    }

    @Test
    void unknownUserAndWrongPasswordGetTheSameAnswer() throws IOException {
        try (SmtpClient client = startTls()) {
            assertThat(client.command("AUTH PLAIN " + base64("\0alice\0wrong")))
                .isEqualTo("535 5.7.8 Authentication credentials invalid");
            assertThat(client.command("AUTH PLAIN " + base64("\0mallory\0wrong")))
                .isEqualTo("535 5.7.8 Authentication credentials invalid");
        }
    }

    @Test
    void authLoginWorksStepByStep() throws IOException {
        try (SmtpClient client = startTls()) {
            assertThat(client.command("AUTH LOGIN")).isEqualTo("334 VXNlcm5hbWU6");
            assertThat(client.command(base64("alice"))).isEqualTo("334 UGFzc3dvcmQ6");
            assertThat(client.command(base64("correct horse"))).isEqualTo("235 2.7.0 Authentication successful");
        }
    }

    @Test
    void startTlsInsideATransactionIsRefused() throws IOException {
        try (SmtpClient client = SmtpClient.connect(listeners.relayPort())) {
            client.reply();
            client.command("EHLO client.test");
            // the relay listener takes MAIL in clear; 192.0.2.0/24 is trusted, not us, but MAIL is fine
            assertThat(client.command("MAIL FROM:<alice@example.com>")).startsWith("250");
            assertThat(client.command("STARTTLS")).isEqualTo("503 5.5.1 Not permitted during a mail transaction");
        }
    }

    @Test
    void commandsPipelinedBeforeTheTlsHandshakeAreDiscarded() throws IOException {
        try (SmtpClient client = SmtpClient.connect(listeners.submissionPort())) {
            client.reply();
            client.command("EHLO client.test");
            // CVE-2011-0411 class: plaintext injected after STARTTLS must not run inside the TLS session
            client.write("STARTTLS\r\nRSET\r\nMAIL FROM:<injected@example.com>\r\n");
            assertThat(client.reply()).startsWith("220");
            try {
                client.upgradeToTls(trustGateway);
            } catch (SSLHandshakeException | java.net.SocketException e) {
                return; // the injected bytes broke the handshake: nothing ran either
            }
            client.command("EHLO client.test");
            client.command("AUTH PLAIN " + ALICE_PLAIN);
            // had the pipelined MAIL survived, this would be 503 "sender already specified"
            assertThat(client.command("MAIL FROM:<alice@example.com>")).startsWith("250");
        }
    }

    @Test
    void aUserMaySendOnlyAsTheirAllowedSenders() throws IOException {
        try (SmtpClient client = startTls()) {
            assertThat(client.command("AUTH PLAIN " + base64("\0reports\0battery staple"))).startsWith("235");
            assertThat(client.command("MAIL FROM:<ceo@example.com>")).isEqualTo("553 5.7.1 Sender address not allowed for this user");
            assertThat(client.command("MAIL FROM:<reports@example.com>")).startsWith("250");
        }
    }

    @Test
    void smtpsSpeaksTlsFromTheFirstByteAndWantsAuth() throws IOException {
        try (SmtpClient client = SmtpClient.connectTls(listeners.smtpsPort(), trustGateway)) {
            assertThat(client.reply()).startsWith("220 gateway.test");
            String ehlo = client.command("EHLO client.test");
            assertThat(ehlo).contains("250-AUTH PLAIN LOGIN").doesNotContain("STARTTLS");
            assertThat(client.command("MAIL FROM:<alice@example.com>")).isEqualTo("530 5.7.0 Authentication required");
            assertThat(client.command("AUTH PLAIN " + ALICE_PLAIN)).startsWith("235");
            assertThat(client.command("MAIL FROM:<alice@example.com>")).startsWith("250");
        }
    }

    @Test
    void onlyTls12And13AreOffered() throws Exception {
        for (String protocol : List.of("TLSv1.1", "TLSv1")) {
            SSLContext old = SSLContext.getInstance(protocol);
            old.init(null, null, null);
            try (SSLSocket socket = (SSLSocket) old.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(), listeners.smtpsPort())) {
                socket.setEnabledProtocols(new String[] {protocol});
                socket.setSoTimeout(10_000);
                assertThat(handshakeFails(socket)).as(protocol).isTrue();
            } catch (IllegalArgumentException disabledInThisJvm) {
                // the JVM refuses to even try: equally unusable
            }
        }
    }

    @Test
    void jakartaMailSubmitsOverStartTlsAndOverImplicitTls() throws Exception {
        send("smtp", listeners.submissionPort(), "via jakarta starttls");
        send("smtps", listeners.smtpsPort(), "via jakarta smtps");
        awaitCaptured("via jakarta starttls");
        awaitCaptured("via jakarta smtps");
    }

    @Test
    void repeatedAuthFailuresDisconnectAndBlockOnlyThatAddress() throws Exception {
        InetAddress attacker = InetAddress.getByName("127.0.0.3");
        try (SmtpClient client = startTls(attacker)) {
            assertThat(client.command("AUTH PLAIN " + base64("\0alice\0guess1"))).startsWith("535 5.7.8");
            assertThat(client.command("AUTH PLAIN " + base64("\0alice\0guess2"))).startsWith("535 5.7.8");
            assertThat(client.command("AUTH PLAIN " + base64("\0alice\0guess3"))).startsWith("535 5.7.8");
            assertThat(client.reply()).isEqualTo("421 4.7.0 Too many failed authentications; try again later");
        }
        try (SmtpClient again = SmtpClient.connect(InetAddress.getLoopbackAddress(), listeners.submissionPort(), attacker)) {
            assertThat(again.reply()).startsWith("421 4.7.0");
        }
        try (SmtpClient alice = startTls()) {
            assertThat(alice.command("AUTH PLAIN " + ALICE_PLAIN)).startsWith("235");
        }
    }

    @Test
    void manyIdleConnectionsFromOneAddressDoNotLockOutAnother() throws Exception {
        InetAddress hog = InetAddress.getByName("127.0.0.4");
        List<SmtpClient> idle = new ArrayList<>();
        try {
            for (int i = 0; i < 200; i++) {
                idle.add(SmtpClient.connect(InetAddress.getLoopbackAddress(), listeners.relayPort(), hog));
            }
            try (SmtpClient other = SmtpClient.connect(InetAddress.getLoopbackAddress(), listeners.relayPort(),
                    InetAddress.getByName("127.0.0.5"))) {
                assertThat(other.reply()).startsWith("220 gateway.test");
                assertThat(other.command("EHLO other.test")).startsWith("250");
            }
            long refused = idle.stream().filter(c -> reply(c).startsWith("421 4.7.0 Too many connections from your address")).count();
            assertThat(refused).isEqualTo(200 - 20);
        } finally {
            for (SmtpClient c : idle) {
                c.close();
            }
        }
    }

    private void send(String protocol, int port, String subject) throws Exception {
        Properties props = new Properties();
        String p = "mail." + protocol + ".";
        props.put(p + "host", "127.0.0.1");
        props.put(p + "port", String.valueOf(port));
        props.put(p + "auth", "true");
        props.put(p + "starttls.enable", "true");
        props.put(p + "starttls.required", String.valueOf(protocol.equals("smtp")));
        props.put(p + "ssl.checkserveridentity", "true");
        props.put(p + "ssl.socketFactory", trustGateway.getSocketFactory());
        props.put(p + "connectiontimeout", "10000");
        props.put(p + "timeout", "10000");
        Session session = Session.getInstance(props);
        MimeMessage message = new MimeMessage(session);
        message.setFrom(new InternetAddress("alice@example.com"));
        message.setRecipient(Message.RecipientType.TO, new InternetAddress("bob@example.net"));
        message.setSubject(subject);
        message.setText("sent the way an application would");
        try (Transport transport = session.getTransport(protocol)) {
            transport.connect("127.0.0.1", port, "alice", "correct horse");
            transport.sendMessage(message, message.getAllRecipients());
        }
    }

    private SmtpClient startTls() throws IOException {
        return startTls(InetAddress.getLoopbackAddress());
    }

    private SmtpClient startTls(InetAddress from) throws IOException {
        SmtpClient client = SmtpClient.connect(InetAddress.getLoopbackAddress(), listeners.submissionPort(), from);
        client.reply();
        client.command("EHLO client.test");
        assertThat(client.command("STARTTLS")).startsWith("220");
        client.upgradeToTls(trustGateway);
        client.command("EHLO client.test");
        return client;
    }

    private static boolean handshakeFails(SSLSocket socket) {
        try {
            socket.startHandshake();
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    private static String reply(SmtpClient client) {
        try {
            String reply = client.reply();
            return reply == null ? "" : reply;
        } catch (IOException e) {
            return "";
        }
    }

    private String awaitCaptured(String subject) {
        return await().atMost(Duration.ofSeconds(20)).until(() -> {
            Path outbox = DATA.resolve("outbox");
            if (!Files.isDirectory(outbox)) {
                return null;
            }
            try (Stream<Path> files = Files.list(outbox)) {
                return files.filter(f -> f.toString().endsWith(".eml")).map(SubmissionAndSmtpsIT::read)
                    .filter(text -> text.contains("Subject: " + subject)).findFirst().orElse(null);
            }
        }, text -> text != null);
    }

    private static String read(Path path) {
        try {
            return Files.readString(path, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String base64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }
}

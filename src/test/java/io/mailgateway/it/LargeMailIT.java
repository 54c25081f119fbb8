package io.mailgateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mailgateway.it.support.GatewayProcess;
import io.mailgateway.it.support.SmtpClient;
import io.mailgateway.it.support.TestDataDirs;
import io.mailgateway.it.support.TestSmartHost;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.util.SharedFileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Random;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A 50 MB mail goes through the gateway without the gateway holding it in its heap, on every way in that
 * takes large mail (pickup .eml, pickup report rule, pickup XML envelope with an attachment file, SMTP DATA)
 * and on the way out to a real smart host.
 *
 * <p>The numbers. The gateway's live heap after start is about 60 MB ({@code jcmd PID GC.run} then
 * {@code GC.heap_info}: 57-61 MB). The .eml and the SMTP message are 52,000,453 bytes (49.6 MiB, just under
 * {@code gateway.pickup.max-file-size}); the report mail is 71 MB once its 52 MB file is base64-encoded, the
 * XML envelope's 54 MB. The gateway runs with {@value #HEAP}: one copy of a 52 MB mail would fit next to the
 * 60 MB (112 MB), two would not (164 MB), so a gateway that holds a mail whole twice anywhere dies with an
 * OutOfMemoryError; {@code -XX:+ExitOnOutOfMemoryError} makes that an exit the test sees at once, not a log
 * line and a retry at every scan. The code before this test held a pickup .eml three times (the file's
 * bytes, the copy without Bcc, the copy with the trace header) and died in {@code HeaderFields.remove};
 * the report rule and SMTP DATA died the same way. Streamed, the same test also passes with -Xmx80m, where
 * not even one copy fits.
 *
 * <p>The smart host writes DATA to files and keeps a SHA-256, so the test JVM does not hold the mails either.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LargeMailIT {

    static final String HEAP = "-Xmx144m";

    /** Raw attachment bytes: base64 with CRLF every 76 characters makes the .eml 52,000,0xx bytes. */
    private static final int ATTACHMENT_BYTES = 38_000_000;
    private static final int REPORT_BYTES = 52_000_000;

    private Path data;
    private Path pickup;
    private int smtpPort;
    private TestSmartHost smartHost;
    private GatewayProcess gateway;
    private Path log;

    @BeforeAll
    void startGatewayWithASmallHeap() throws Exception {
        data = TestDataDirs.fresh("large-mail");
        pickup = data.resolve("pickup");
        Files.createDirectories(pickup.resolve("reports"));
        smartHost = new TestSmartHost().keepDataIn(data.resolve("smarthost")).start();
        smtpPort = GatewayProcess.freePort();
        Map<String, String> environment = GatewayProcess.environment(data);
        GatewayProcess.smartHost(environment, smartHost.port());
        environment.put("GATEWAY_SMTP_RELAY_PORT", String.valueOf(smtpPort));
        environment.put("GATEWAY_SMTP_MAX_MESSAGE_SIZE", "60MB");
        environment.put("GATEWAY_PICKUP_POLL_INTERVAL", "200ms");
        environment.put("GATEWAY_PICKUP_STABLE_TIME", "1s");
        environment.put("GATEWAY_PICKUP_RULES_0_FOLDER", "reports");
        environment.put("GATEWAY_PICKUP_RULES_0_GLOB", "*.bin");
        environment.put("GATEWAY_PICKUP_RULES_0_TO", "archive@example.net");
        environment.put("GATEWAY_PICKUP_RULES_0_FROM", "reports@example.com");
        environment.put("GATEWAY_PICKUP_RULES_0_SUBJECT", "Large report {file}");
        log = data.resolve("gateway.log");
        gateway = new GatewayProcess(environment, log)
            .jvmOptions(HEAP, "-XX:+ExitOnOutOfMemoryError")
            .start(Duration.ofSeconds(120));
    }

    @AfterAll
    void stopAndRemoveTheLargeFiles() throws Exception {
        if (gateway != null) {
            gateway.close();
        }
        if (smartHost != null) {
            smartHost.stop();
        }
        // some 350 MB per run; the gateway's log and broker stay for a look after a failure
        for (Path folder : List.of(data.resolve("smarthost"), pickup)) {
            if (Files.isDirectory(folder)) {
                try (Stream<Path> files = Files.walk(folder)) {
                    for (Path file : files.filter(Files::isRegularFile).toList()) {
                        Files.delete(file);
                    }
                }
            }
        }
        Files.deleteIfExists(data.resolve("smtp-message.eml"));
    }

    @Test
    void aFiftyMegabyteEmlFromThePickupFolderIsDeliveredByteExact() throws Exception {
        Path staged = data.resolve("staged-pickup.eml");
        writeEml(staged, "<large-pickup@tool.example>", 1);
        Path file = pickup.resolve("large.eml");
        Files.move(staged, file); // write, then rename into the folder

        TestSmartHost.Transaction delivered = awaitDelivery(t -> "<large-pickup@tool.example>".equals(t.messageId()));

        assertThat(delivered.recipients()).containsExactly("ops@example.net");
        assertDeliveredIsTraceHeaderPlus(delivered, processed("large.eml"));
    }

    @Test
    void aFiftyMegabyteReportFileIsMailedAsAnAttachmentThatDecodesToTheSameBytes() throws Exception {
        Path staged = data.resolve("staged-report.bin");
        try (OutputStream out = Files.newOutputStream(staged)) {
            randomBytes(out, REPORT_BYTES, 2);
        }
        String fileSha256 = sha256(staged);
        Files.move(staged, pickup.resolve("reports").resolve("nightly.bin"));

        TestSmartHost.Transaction delivered = awaitDelivery(t -> t.text().contains("Subject: Large report nightly.bin"));

        assertThat(delivered.recipients()).containsExactly("archive@example.net");
        try (SharedFileInputStream in = new SharedFileInputStream(delivered.file().toFile())) {
            MimeMessage message = new MimeMessage(Session.getInstance(new Properties()), in);
            MimeBodyPart attachment = (MimeBodyPart) ((MimeMultipart) message.getContent()).getBodyPart(1);
            assertThat(attachment.getFileName()).isEqualTo("nightly.bin");
            try (InputStream decoded = attachment.getInputStream()) {
                assertThat(sha256(decoded)).isEqualTo(fileSha256);
            }
        }
    }

    @Test
    void anXmlEnvelopeWithAFortyMegabyteAttachmentFileIsMailedWithEveryByteOfIt() throws Exception {
        // 40 MB: base64 makes it 54 MB, under the composer's 64 MiB message limit
        Path attachment = pickup.resolve("invoices-2026.bin");
        try (OutputStream out = Files.newOutputStream(data.resolve("staged.bin"))) {
            randomBytes(out, 40_000_000, 4);
        }
        String attachmentSha256 = sha256(data.resolve("staged.bin"));
        Files.move(data.resolve("staged.bin"), attachment); // the attachment first, the envelope last
        Files.writeString(data.resolve("staged.xml"), """
            <?xml version="1.0" encoding="UTF-8"?>
            <envelope xmlns="urn:mailgateway:envelope:1" version="1">
              <from>billing@example.com</from>
              <to>accounts@example.net</to>
              <subject>Large invoice archive</subject>
              <text>The archive is attached.</text>
              <attachment file="invoices-2026.bin"/>
            </envelope>
            """, StandardCharsets.UTF_8);
        Files.move(data.resolve("staged.xml"), pickup.resolve("invoices.xml"));

        TestSmartHost.Transaction delivered = awaitDelivery(t -> t.text().contains("Subject: Large invoice archive"));

        assertThat(delivered.recipients()).containsExactly("accounts@example.net");
        try (SharedFileInputStream in = new SharedFileInputStream(delivered.file().toFile())) {
            MimeMessage message = new MimeMessage(Session.getInstance(new Properties()), in);
            MimeBodyPart part = (MimeBodyPart) ((MimeMultipart) message.getContent()).getBodyPart(1);
            assertThat(part.getFileName()).isEqualTo("invoices-2026.bin");
            try (InputStream decoded = part.getInputStream()) {
                assertThat(sha256(decoded)).isEqualTo(attachmentSha256);
            }
        }
    }

    @Test
    void aFiftyMegabyteSmtpMessageIsDeliveredByteExact() throws Exception {
        Path message = data.resolve("smtp-message.eml");
        writeEml(message, "<large-smtp@client.example>", 3);
        try (SmtpClient client = SmtpClient.connect(smtpPort)) {
            assertThat(client.reply()).startsWith("220");
            assertThat(client.command("EHLO client.test")).startsWith("250");
            assertThat(client.command("MAIL FROM:<app@example.com> SIZE=" + Files.size(message))).startsWith("250");
            assertThat(client.command("RCPT TO:<ops@example.net>")).startsWith("250");
            assertThat(client.command("DATA")).startsWith("354");
            // base64 lines never start with '.', so the file needs no dot-stuffing
            try (InputStream in = Files.newInputStream(message)) {
                byte[] buffer = new byte[64 * 1024];
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    client.writeBytes(java.util.Arrays.copyOf(buffer, n));
                }
            }
            assertThat(client.command(".")).startsWith("250 2.0.0 Ok: queued as");
        }

        TestSmartHost.Transaction delivered = awaitDelivery(t -> "<large-smtp@client.example>".equals(t.messageId()));

        assertThat(delivered.from()).isEqualTo("app@example.com");
        assertDeliveredIsTraceHeaderPlus(delivered, message);
    }

    /** Waits for the smart host to accept the mail, or for the gateway to die trying. */
    private TestSmartHost.Transaction awaitDelivery(Predicate<TestSmartHost.Transaction> which) {
        Optional<TestSmartHost.Transaction> delivered = await().atMost(Duration.ofMinutes(5))
            .pollInterval(Duration.ofSeconds(1))
            .until(() -> smartHost.transactions().stream().filter(which).findFirst(),
                t -> t.isPresent() || !gateway.isAlive());
        assertThat(gateway.isAlive()).as("gateway still running (else see OutOfMemoryError in %s)", log).isTrue();
        assertThat(delivered.orElseThrow().accepted()).isTrue();
        // the delivery's spool file goes once the attempt is over, and nothing else is left behind
        await().atMost(Duration.ofMinutes(1)).until(() -> isEmpty(data.resolve("spool")));
        return delivered.get();
    }

    private static boolean isEmpty(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.findAny().isEmpty();
        }
    }

    /**
     * The gateway adds its Received field on top and changes nothing else: what arrived is that field
     * followed by every byte of {@code original}. Compared by size and SHA-256, streamed.
     */
    private static void assertDeliveredIsTraceHeaderPlus(TestSmartHost.Transaction delivered, Path original)
        throws Exception {
        String head = new String(delivered.data(), StandardCharsets.ISO_8859_1);
        assertThat(head).startsWith("Received: ");
        byte[] originalStart;
        try (InputStream in = Files.newInputStream(original)) {
            originalStart = in.readNBytes(200);
        }
        int traceLength = head.indexOf(new String(originalStart, StandardCharsets.ISO_8859_1));
        assertThat(traceLength).as("original bytes follow the trace header").isPositive();
        assertThat(head.substring(0, traceLength)).matches("(?s)Received: [^\r\n]*\r\n(\t[^\r\n]*\r\n)*");

        MessageDigest expected = MessageDigest.getInstance("SHA-256");
        expected.update(delivered.data(), 0, traceLength);
        try (InputStream in = new DigestInputStream(Files.newInputStream(original), expected)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        assertThat(delivered.size()).isEqualTo(traceLength + Files.size(original));
        assertThat(delivered.sha256()).isEqualTo(HexFormat.of().formatHex(expected.digest()));
    }

    private Path processed(String name) throws IOException {
        await().atMost(Duration.ofMinutes(1)).until(() -> find(name).isPresent());
        return find(name).orElseThrow();
    }

    private Optional<Path> find(String name) throws IOException {
        Path processed = pickup.resolve("processed");
        if (!Files.isDirectory(processed)) {
            return Optional.empty();
        }
        try (Stream<Path> files = Files.walk(processed)) {
            return files.filter(f -> f.getFileName().toString().equals(name)).findFirst();
        }
    }

    /** An RFC 5322 message with a base64 attachment of {@link #ATTACHMENT_BYTES} random bytes, CRLF lines. */
    private static void writeEml(Path file, String messageId, long seed) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(("From: Tool <tool@example.com>\r\n"
                + "To: <ops@example.net>\r\n"
                + "Subject: large attachment\r\n"
                + "Date: Thu, 4 Dec 2026 10:00:00 +0000\r\n"
                + "Message-ID: " + messageId + "\r\n"
                + "MIME-Version: 1.0\r\n"
                + "Content-Type: multipart/mixed; boundary=\"b1\"\r\n"
                + "\r\n"
                + "--b1\r\n"
                + "Content-Type: text/plain; charset=us-ascii\r\n"
                + "\r\n"
                + "The export is attached.\r\n"
                + "--b1\r\n"
                + "Content-Type: application/octet-stream\r\n"
                + "Content-Transfer-Encoding: base64\r\n"
                + "Content-Disposition: attachment; filename=\"export.bin\"\r\n"
                + "\r\n").getBytes(StandardCharsets.US_ASCII));
            OutputStream base64 = Base64.getMimeEncoder(76, new byte[] {'\r', '\n'}).wrap(new NonClosing(out));
            randomBytes(base64, ATTACHMENT_BYTES, seed);
            base64.close();
            out.write("\r\n--b1--\r\n".getBytes(StandardCharsets.US_ASCII));
        }
    }

    private static void randomBytes(OutputStream out, long count, long seed) throws IOException {
        Random random = new Random(seed);
        byte[] buffer = new byte[64 * 1024];
        for (long written = 0; written < count; written += buffer.length) {
            random.nextBytes(buffer);
            out.write(buffer, 0, (int) Math.min(buffer.length, count - written));
        }
    }

    private static String sha256(Path file) throws Exception {
        try (InputStream in = Files.newInputStream(file)) {
            return sha256(in);
        }
    }

    private static String sha256(InputStream in) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        try (InputStream digesting = new DigestInputStream(in, digest)) {
            digesting.transferTo(OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** Lets the base64 encoder be closed (to write its last line) without closing the file under it. */
    private static final class NonClosing extends java.io.FilterOutputStream {
        NonClosing(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }
}

package io.mailgateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mailgateway.it.support.TestDataDirs;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.LocalDate;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The pickup folder as legacy tools use it: files dropped in, mail captured in the outbox, files moved to
 * processed/ or failed/ with a reason. Bad files never stop the good one dropped after them.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE, properties = {
    "gateway.hostname=gateway.test",
    "gateway.pickup.poll-interval=200ms",
    "gateway.pickup.stable-time=1500ms",
    "gateway.pickup.max-recipients=100",
    "gateway.pickup.rules[0].folder=reports",
    "gateway.pickup.rules[0].glob=*.csv",
    "gateway.pickup.rules[0].to=ops@example.com,finance@example.com",
    "gateway.pickup.rules[0].from=reports@example.com",
    "gateway.pickup.rules[0].subject=Daily report {file} of {date}",
    "gateway.pickup.rules[0].body=Attached: {file}"})
@DirtiesContext
class PickupIT {

    private static final Path DATA = TestDataDirs.fresh("pickup");
    private static final Path PICKUP = DATA.resolve("pickup");
    private static final String NS = "urn:mailgateway:envelope:1";

    @DynamicPropertySource
    static void dataDir(DynamicPropertyRegistry registry) {
        registry.add("gateway.data-dir", DATA::toString);
    }

    @Test
    void anIisStyleEmlUsesXSenderAndXReceiverAndDropsThem() throws IOException {
        drop("iis.eml", "X-Sender: app@example.com\r\nX-Receiver: one@example.net\r\nX-Receiver: <two@example.net>\r\n"
            + "From: Reports <reports@example.com>\r\nTo: someone-else@example.org\r\nSubject: iis pickup\r\n\r\nbody\r\n");
        String mail = awaitCaptured("Subject: iis pickup");
        assertThat(mail).startsWith("X-Envelope-From: <app@example.com>\r\nX-Envelope-To: <one@example.net>\r\n"
            + "X-Envelope-To: <two@example.net>\r\nReceived: from pickup (iis.eml)");
        assertThat(mail).doesNotContain("X-Sender:").doesNotContain("X-Receiver:").doesNotContain("someone-else@example.org>\r\nX-Envelope");
        awaitProcessed("iis.eml");
    }

    @Test
    void aPlainEmlUsesFromAndToCcBccAndDropsBcc() throws IOException {
        drop("plain.eml", "From: Alice <alice@example.com>\nTo: bob@example.net\nCc: carol@example.net\nBcc: secret@example.net\n"
            + "Subject: plain pickup\n\nunix line endings\n");
        String mail = awaitCaptured("Subject: plain pickup");
        assertThat(mail).contains("X-Envelope-To: <bob@example.net>\r\nX-Envelope-To: <carol@example.net>\r\nX-Envelope-To: <secret@example.net>\r\n");
        assertThat(mail).doesNotContain("Bcc:").contains("unix line endings\r\n");
        awaitProcessed("plain.eml");
    }

    @Test
    void aFileWhoseMailWasQueuedButWhichWasNotMovedIsMovedWithoutBeingMailedAgain() throws IOException {
        drop("requeued.eml", "From: <tool@example.com>\r\nTo: <ops@example.net>\r\nSubject: queued before the move\r\n"
            + "\r\nbody\r\n");
        awaitCaptured("Subject: queued before the move");
        awaitProcessed("requeued.eml");

        // as after a crash between queueing the mail and moving the file: the very same file in place again
        Path processed = PICKUP.resolve("processed").resolve(LocalDate.now().toString()).resolve("requeued.eml");
        Path temporary = PICKUP.resolve("requeued.eml.tmp");
        Files.copy(processed, temporary, StandardCopyOption.COPY_ATTRIBUTES);
        Files.move(temporary, PICKUP.resolve("requeued.eml"));

        await().atMost(Duration.ofSeconds(30)).until(() -> !Files.exists(PICKUP.resolve("requeued.eml")));
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
            .until(() -> captured("Subject: queued before the move").size() == 1);
    }

    @Test
    void anXmlEnvelopeTakesItsAttachmentFileAlong() throws IOException {
        drop("invoice-42.pdf", "%PDF-1.4 pretend");
        drop("invoice.xml", envelope("<from>billing@example.com</from><to>customer@example.net</to>"
            + "<bcc>archive@example.com</bcc><subject>Invoice 42</subject><text>See attached.</text>"
            + "<attachment file=\"invoice-42.pdf\"/><header name=\"X-Invoice\">42</header>"));
        String mail = awaitCaptured("Subject: Invoice 42");
        assertThat(mail).contains("X-Envelope-To: <archive@example.com>").doesNotContain("Bcc:");
        assertThat(mail).contains("X-Invoice: 42").contains("invoice-42.pdf")
            .contains(Base64.getEncoder().encodeToString("%PDF-1.4 pretend".getBytes(StandardCharsets.UTF_8)));
        awaitProcessed("invoice.xml");
        awaitProcessed("invoice-42.pdf");
    }

    @Test
    void anXmlEnvelopeWithAnInlineAttachment() throws IOException {
        String csv = Base64.getEncoder().encodeToString("a,b\n1,2\n".getBytes(StandardCharsets.UTF_8));
        drop("inline.xml", envelope("<from>app@example.com</from><to>bob@example.net</to><subject>Inline</subject>"
            + "<text>data</text><attachment name=\"data.csv\" contentType=\"text/csv\">" + csv + "</attachment>"));
        String mail = awaitCaptured("Subject: Inline");
        assertThat(mail).contains("data.csv").contains("text/csv");
        awaitProcessed("inline.xml");
    }

    @Test
    void aReportRuleMailsACsvToItsRecipients() throws IOException {
        drop("reports/sales.csv", "region,total\nnorth,12\n");
        String mail = awaitCaptured("Daily report sales.csv of " + LocalDate.now());
        assertThat(mail).contains("X-Envelope-From: <reports@example.com>")
            .contains("X-Envelope-To: <ops@example.com>\r\nX-Envelope-To: <finance@example.com>")
            .contains("text/csv").contains("filename=sales.csv").contains("Attached: sales.csv");
        awaitProcessed("reports/sales.csv");
    }

    @Test
    void aFileWrittenSlowlyIsPickedUpOnceAndComplete() throws Exception {
        Path file = PICKUP.resolve("slow.eml");
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write("From: <slow@example.com>\r\nTo: <bob@example.net>\r\nSubject: slow writer\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            for (int i = 0; i < 8; i++) {
                out.write(("chunk " + i + "\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                Thread.sleep(250); // well below stable-time: the file never looks finished
            }
            out.write("the end\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        String mail = awaitCaptured("Subject: slow writer");
        assertThat(mail).contains("chunk 0\r\n").contains("chunk 7\r\nthe end\r\n");
        awaitProcessed("slow.eml");
        Thread.sleep(1500);
        assertThat(captured("Subject: slow writer")).hasSize(1);
    }

    @Test
    void badFilesLandInFailedWithAReasonAndDoNotStopTheNext() throws Exception {
        Path secret = DATA.resolve("secret.txt");
        Files.writeString(secret, "TOP-SECRET-CONTENT");
        AtomicBoolean canaryCalled = new AtomicBoolean();
        try (ServerSocket canary = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread watcher = canaryWatcher(canary, canaryCalled);
            Path outsideDir = DATA.resolve("outside");
            Files.createDirectories(outsideDir);
            Files.writeString(outsideDir.resolve("x.pdf"), "outside");
            Files.createSymbolicLink(PICKUP.resolve("link.pdf"), outsideDir.resolve("x.pdf"));

            String plainBody = "<from>a@example.com</from><to>b@example.net</to><subject>s</subject><text>t</text>";
            List<BadFile> bad = List.of(
                new BadFile("xxe.xml", "<?xml version=\"1.0\"?><!DOCTYPE e [<!ENTITY x SYSTEM \"" + secret.toUri()
                    + "\">]><envelope xmlns=\"" + NS + "\" version=\"1\"><from>a@example.com</from><to>b@example.net</to>"
                    + "<subject>&x;</subject><text>t</text></envelope>", "DOCTYPE"),
                new BadFile("canary.xml", "<?xml version=\"1.0\"?><!DOCTYPE e [<!ENTITY % p SYSTEM \"http://127.0.0.1:"
                    + canary.getLocalPort() + "/x\"> %p;]><envelope xmlns=\"" + NS + "\" version=\"1\"/>", "DOCTYPE"),
                new BadFile("laughs.xml", "<?xml version=\"1.0\"?><!DOCTYPE l [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">"
                    + "<!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\"><!ENTITY d \"&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;\">]>"
                    + "<envelope xmlns=\"" + NS + "\" version=\"1\"><subject>&d;</subject></envelope>", "DOCTYPE"),
                new BadFile("deep.xml", "<envelope xmlns=\"" + NS + "\" version=\"1\">" + "<x>".repeat(5000) + "</x>".repeat(5000)
                    + "</envelope>", "line"),
                new BadFile("unknown.xml", envelope(plainBody + "<priority>high</priority>"), "line"),
                new BadFile("dotdot.xml", envelope(plainBody + "<attachment file=\"../secret.txt\"/>"), "../secret.txt"),
                new BadFile("backslash.xml", envelope(plainBody + "<attachment file=\"..\\secret.txt\"/>"), "..\\secret.txt"),
                new BadFile("absolute.xml", envelope(plainBody + "<attachment file=\"" + secret.toAbsolutePath() + "\"/>"), "secret.txt"),
                new BadFile("symlink.xml", envelope(plainBody + "<attachment file=\"link.pdf\"/>"), "link.pdf"),
                new BadFile("empty.eml", "", "empty"),
                new BadFile("garbage.eml", "\u0000\u0001\u0002\u00ff\u00fe binary", "NUL"),
                new BadFile("crlf-subject.xml", envelope("<from>a@example.com</from><to>b@example.net</to>"
                    + "<subject>hi&#13;&#10;Bcc: victim@example.org</subject><text>t</text>"), "subject"),
                new BadFile("crlf-recipient.xml", envelope("<from>a@example.com</from><to>b@example.net&#13;&#10;RCPT TO:&lt;victim@example.org&gt;</to>"
                    + "<subject>s</subject><text>t</text>"), "b@example.net"),
                new BadFile("no-recipients.eml", "From: a@example.com\r\nSubject: nobody\r\n\r\nbody\r\n", "no recipients"),
                new BadFile("ten-thousand.xml", envelope("<from>a@example.com</from>"
                    + IntStream.range(0, 10_000).mapToObj(i -> "<to>r" + i + "@example.net</to>").collect(Collectors.joining())
                    + "<subject>s</subject><text>t</text>"), "10000"));
            for (BadFile file : bad) {
                drop(file.name(), file.content());
            }
            Files.write(PICKUP.resolve("utf16.eml"), "From: a@example.com\r\nTo: b@example.net\r\n\r\nx\r\n".getBytes(StandardCharsets.UTF_16));
            drop("good-after-bad.eml", "From: <a@example.com>\r\nTo: <b@example.net>\r\nSubject: good after bad\r\n\r\nok\r\n");

            awaitCaptured("Subject: good after bad");
            for (BadFile file : bad) {
                String reason = awaitReason(file.name());
                assertThat(reason).as(file.name()).containsIgnoringCase(file.reasonContains());
            }
            assertThat(awaitReason("utf16.eml")).isNotBlank();
            watcher.join(1_000);
        }
        assertThat(canaryCalled).as("the parameter entity must never be fetched").isFalse();
        assertThat(captured("TOP-SECRET-CONTENT")).isEmpty();
        assertThat(captured("victim@example.org")).isEmpty();
    }

    private record BadFile(String name, String content, String reasonContains) {
    }

    private static Thread canaryWatcher(ServerSocket canary, AtomicBoolean called) throws IOException {
        canary.setSoTimeout(15_000);
        Thread watcher = new Thread(() -> {
            try {
                canary.accept().close();
                called.set(true);
            } catch (SocketTimeoutException e) {
                // nobody came: good
            } catch (IOException e) {
                // closed at the end of the test
            }
        });
        watcher.setDaemon(true);
        watcher.start();
        return watcher;
    }

    private static String envelope(String body) {
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<envelope xmlns=\"" + NS + "\" version=\"1\">" + body + "</envelope>\n";
    }

    /** Write-then-rename, as the README tells tools to: the gateway never sees a half-written file. */
    private static void drop(String relative, String content) throws IOException {
        Path target = PICKUP.resolve(relative);
        Files.createDirectories(target.getParent());
        Path temporary = target.resolveSibling(target.getFileName() + ".tmp");
        Files.write(temporary, content.getBytes(StandardCharsets.ISO_8859_1.newEncoder().canEncode(content)
            ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_8));
        Files.move(temporary, target);
    }

    private static String awaitCaptured(String text) {
        return await().atMost(Duration.ofSeconds(30)).until(() -> captured(text).stream().findFirst().orElse(null), m -> m != null);
    }

    private static List<String> captured(String text) throws IOException {
        Path outbox = DATA.resolve("outbox");
        if (!Files.isDirectory(outbox)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(outbox)) {
            return files.filter(p -> p.toString().endsWith(".eml")).map(PickupIT::read).filter(m -> m.contains(text)).toList();
        }
    }

    private static void awaitProcessed(String relative) {
        Path processed = PICKUP.resolve("processed").resolve(LocalDate.now().toString()).resolve(relative);
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(processed));
        assertThat(PICKUP.resolve(relative)).doesNotExist();
    }

    private static String awaitReason(String name) {
        Path reason = PICKUP.resolve("failed").resolve(name + ".reason.txt");
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(reason));
        assertThat(PICKUP.resolve("failed").resolve(name)).exists();
        assertThat(PICKUP.resolve(name)).doesNotExist();
        return read(reason);
    }

    private static String read(Path path) {
        try {
            return Files.readString(path, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

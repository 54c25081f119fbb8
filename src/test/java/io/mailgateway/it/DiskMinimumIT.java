package io.mailgateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mailgateway.config.BrokerConfiguration;
import io.mailgateway.console.DiskSpaceHealth;
import io.mailgateway.it.support.BrokerQueues;
import io.mailgateway.it.support.Messages;
import io.mailgateway.it.support.SmtpClient;
import io.mailgateway.it.support.TestDataDirs;
import io.mailgateway.smtp.SmtpListeners;
import jakarta.jms.Connection;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.camel.CamelContext;
import org.apache.camel.StatefulService;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * gateway.disk.min-free with real free space, no fake file system: the minimum is set 200 MB below what the
 * data folder's file system has free at start, then a real file (real bytes, synced) takes the free space
 * 200 MB below the minimum. SMTP gets 452 4.3.1 (at MAIL, and at the end of a DATA begun before), a pickup
 * file and a JMS message wait; once the file is deleted the same SMTP session is accepted and the waiting
 * mail is delivered.
 *
 * <p>Other processes on the machine (builds) move free space by tens of MB while this runs: the 200 MB on
 * either side of the minimum absorb that, and the test gives up (skips) rather than guesses when the disk
 * moved by more before the filler was written, or when the disk has too little free space to fill safely.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE, properties = {
    "gateway.hostname=gateway.test",
    "gateway.pickup.poll-interval=200ms",
    "gateway.pickup.stable-time=500ms",
    "gateway.jms.username=app",
    "gateway.jms.password=s3cret",
    // a declared SIZE larger than the room left above the minimum, yet allowed by the size limit
    "gateway.smtp.max-message-size=1GB"})
@DirtiesContext
class DiskMinimumIT {

    private static final long MB = 1024L * 1024;
    /** Free space on either side of the minimum: before the filler, and after it. */
    private static final long MARGIN = 200 * MB;
    /** Below this the test does not fill the disk: it is someone's nearly full disk (or CI's small one). */
    private static final long NEEDED = 3L * 1024 * MB;

    private static final Path DATA = TestDataDirs.fresh("disk-minimum");
    private static final Path PICKUP = DATA.resolve("pickup");
    private static final Path FILLER = DATA.resolveSibling(DATA.getFileName() + "-filler").resolve("filler.bin");
    private static long minFree;

    @BeforeAll
    static void setTheMinimumJustBelowTheFreeSpace() throws IOException {
        Files.createDirectories(DATA);
        long free = usable();
        Assumptions.assumeTrue(free >= NEEDED, "the data folder's file system has " + free / MB
            + " MB free; this test needs " + NEEDED / MB + " MB to fill safely");
        minFree = free - MARGIN;
    }

    @DynamicPropertySource
    static void settings(DynamicPropertyRegistry registry) {
        registry.add("gateway.data-dir", DATA::toString);
        registry.add("gateway.disk.min-free", () -> minFree + "B");
    }

    @Autowired
    SmtpListeners listeners;

    @Autowired
    EmbeddedActiveMQ embeddedBroker;

    @Autowired
    DiskSpaceHealth diskSpace;

    @Autowired
    CamelContext camel;

    @Test
    void belowTheMinimumNewMailWaitsWith452AndIntakeResumesByItselfWhenSpaceReturns() throws Exception {
        try (SmtpClient client = SmtpClient.connect(listeners.relayPort());
             SmtpClient inData = SmtpClient.connect(listeners.relayPort())) {
            client.reply();
            assertThat(client.command("EHLO client.test")).startsWith("250");
            assertThat(mailFrom(client, "")).startsWith("250");
            long room = usable() - minFree;
            Assumptions.assumeTrue(room > MARGIN / 2, "free space moved by " + (MARGIN - room) / MB
                + " MB since the gateway started (other processes); the margins no longer hold");
            assertThat(mailFrom(client, " SIZE=" + (room + 100 * MB)))
                .as("RFC 1870 §6.1: a declared size that would leave less than the minimum")
                .isEqualTo("452 4.3.1 Insufficient system storage; try again later");
            assertThat(mailFrom(client, " SIZE=1000")).startsWith("250");

            // a session whose DATA began while there was room, and ends after the disk filled
            inData.reply();
            inData.command("EHLO client.test");
            assertThat(inData.command("MAIL FROM:<alice@example.com>")).startsWith("250");
            assertThat(inData.command("RCPT TO:<bob@example.net>")).startsWith("250");
            assertThat(inData.command("DATA")).startsWith("354");
            inData.write("From: alice@example.com\r\nTo: bob@example.net\r\nSubject: data ended after the disk filled\r\n");
            try {
                fill(FILLER, room + MARGIN);

                assertThat(await().atMost(Duration.ofSeconds(20)).until(() -> mailFrom(client, ""), r -> !r.startsWith("250")))
                    .isEqualTo("452 4.3.1 Insufficient system storage; try again later");
                assertThat(diskSpace.health().getStatus()).isEqualTo(Status.DOWN);
                inData.write("\r\nthe body\r\n");
                assertThat(inData.command(".")).as("not queued").isEqualTo("452 4.3.1 Insufficient system storage; try again later");

                Files.writeString(PICKUP.resolve("waiting.eml"), "From: app@example.com\r\nTo: bob@example.net\r\n"
                    + "Subject: pickup while the disk is full\r\n\r\nbody\r\n", StandardCharsets.US_ASCII);
                // the JMS intake is paused by a check once a second: a message published in the second the disk
                // filled may still be taken, as an SMTP mail whose MAIL came just before
                await().atMost(Duration.ofSeconds(10)).until(() -> jmsIntakeSuspended());
                // and a receive under way when the route was suspended still takes what comes within its
                // timeout (1 s) and processes it (acceptMessagesWhileStopping): publish after that
                Thread.sleep(2500);
                publishJms("jms while the disk is full");
                Thread.sleep(4000); // 20 pickup scans, four JMS consumer polls

                assertThat(PICKUP.resolve("waiting.eml")).as("left in place").exists();
                assertThat(PICKUP.resolve("failed")).doesNotExist();
                // (it may sit in the suspended consumer's read-ahead buffer: counted, not consumed)
                assertThat(new BrokerQueues(embeddedBroker).count("mail.submit")).as("not consumed").isEqualTo(1);
                assertThat(new BrokerQueues(embeddedBroker).ready("mail.submit.invalid")).isEmpty();
                assertThat(captured("disk is full")).isEmpty();
                assertThat(mailFrom(client, "")).as("still refused").startsWith("452 4.3.1");
            } finally {
                Files.deleteIfExists(FILLER);
                Files.deleteIfExists(FILLER.getParent());
            }

            assertThat(await().atMost(Duration.ofSeconds(20)).until(() -> mailFrom(client, ""), r -> !r.startsWith("452")))
                .as("the same session, a moment after the filler is gone").startsWith("250");
            String subject = "smtp after space returned";
            assertThat(client.transaction("alice@example.com", List.of("bob@example.net"),
                Messages.simple(Messages.uniqueMessageId(), "alice@example.com", "bob@example.net", subject)))
                .startsWith("250 2.0.0 Ok: queued as ");
            awaitCaptured("Subject: " + subject);
        }
        awaitCaptured("Subject: pickup while the disk is full");
        awaitCaptured("Subject: jms while the disk is full");
        assertThat(PICKUP.resolve("waiting.eml")).doesNotExist();
        assertThat(captured("data ended after the disk filled")).isEmpty();
        assertThat(new BrokerQueues(embeddedBroker).ready("mail.submit.invalid")).isEmpty();
        assertThat(new BrokerQueues(embeddedBroker).count("mail.submit")).isZero();
        assertThat(diskSpace.health().getStatus()).isEqualTo(Status.UP);
    }

    private boolean jmsIntakeSuspended() {
        return camel.getRoute("jms-intake").getConsumer() instanceof StatefulService consumer && consumer.isSuspended();
    }

    /** MAIL FROM with {@code parameters}; an accepted one is reset again, so the session can ask again. */
    private static String mailFrom(SmtpClient client, String parameters) throws IOException {
        String reply = client.command("MAIL FROM:<alice@example.com>" + parameters);
        if (reply.startsWith("250")) {
            assertThat(client.command("RSET")).startsWith("250");
        }
        return reply;
    }

    private void publishJms(String subject) throws Exception {
        String url = "tcp://127.0.0.1:" + BrokerConfiguration.jmsPort(embeddedBroker);
        try (Connection connection = new ActiveMQConnectionFactory(url).createConnection("app", "s3cret")) {
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            TextMessage message = session.createTextMessage("sent while the disk was full");
            message.setStringProperty("To", "bob@example.net");
            message.setStringProperty("Subject", subject);
            session.createProducer(session.createQueue("mail.submit")).send(message);
        }
    }

    /**
     * Real bytes (random, so that a compressing file system cannot make them small), synced: a sparse file
     * or {@code setLength} would not take the space.
     */
    private static void fill(Path file, long bytes) throws IOException {
        Files.createDirectories(file.getParent());
        byte[] chunk = new byte[8 * (int) MB];
        new Random(42).nextBytes(chunk);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
             OutputStream out = java.nio.channels.Channels.newOutputStream(channel)) {
            for (long written = 0; written < bytes; written += chunk.length) {
                out.write(chunk, 0, (int) Math.min(chunk.length, bytes - written));
            }
            channel.force(true);
        }
    }

    private static long usable() throws IOException {
        return Files.getFileStore(DATA).getUsableSpace();
    }

    private static void awaitCaptured(String text) {
        await().atMost(Duration.ofSeconds(30)).until(() -> captured(text), found -> !found.isEmpty());
    }

    private static List<String> captured(String text) throws IOException {
        Path outbox = DATA.resolve("outbox");
        if (!Files.isDirectory(outbox)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(outbox)) {
            return files.filter(p -> p.toString().endsWith(".eml")).map(DiskMinimumIT::read)
                .filter(m -> m.contains(text)).toList();
        }
    }

    private static String read(Path path) {
        try {
            return Files.readString(path, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

package io.mailgateway.delivery;

import io.mailgateway.mail.QueuedMail;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * The developer's transport: every mail becomes one {@code .eml} file in the outbox instead of leaving the
 * machine. The envelope is recorded in {@code X-Envelope-From} / {@code X-Envelope-To} lines on top, so a
 * Bcc-only recipient can be seen. The file is written under a temporary name, synced, then renamed, so a
 * reader never sees half a message.
 */
public final class CaptureTransport implements Transport {

    private static final DateTimeFormatter STAMP =
        DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS").withZone(ZoneOffset.UTC);

    private final Path outbox;
    private final Clock clock;

    public CaptureTransport(Path outbox, Clock clock) {
        this.outbox = outbox;
        this.clock = clock;
    }

    @Override
    public DeliveryReport deliver(QueuedMail mail) {
        String name = STAMP.format(clock.instant()) + "-" + mail.id() + "-" + mail.attempts();
        Path target = outbox.resolve(name + ".eml");
        Path temporary = outbox.resolve(name + ".eml.tmp");
        try {
            Files.createDirectories(outbox);
            try (FileChannel channel = FileChannel.open(temporary,
                    StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
                 OutputStream out = Channels.newOutputStream(channel)) {
                StringBuilder envelope = new StringBuilder();
                envelope.append("X-Envelope-From: <").append(mail.envelope().sender()).append(">\r\n");
                for (String recipient : mail.envelope().recipients()) {
                    envelope.append("X-Envelope-To: <").append(recipient).append(">\r\n");
                }
                out.write(envelope.toString().getBytes(StandardCharsets.UTF_8));
                mail.content().writeTo(out);
                out.flush();
                channel.force(true);
            }
            Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            // a full disk or a read-only outbox is temporary from the mail's point of view
            return DeliveryReport.all(mail.envelope().recipients(), RecipientResult.Status.DEFERRED,
                "capture outbox not writable: " + e.getMessage());
        }
        return DeliveryReport.all(mail.envelope().recipients(), RecipientResult.Status.DELIVERED,
            "captured to " + target.getFileName());
    }

    @Override
    public String describe() {
        return "capture to " + outbox.toAbsolutePath();
    }

}

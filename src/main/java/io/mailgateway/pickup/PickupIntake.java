package io.mailgateway.pickup;

import io.mailgateway.config.GatewayProperties;
import io.mailgateway.envelope.EnvelopeComposer;
import io.mailgateway.envelope.EnvelopeDocument;
import io.mailgateway.envelope.EnvelopeReader;
import io.mailgateway.envelope.FolderAttachmentResolver;
import io.mailgateway.mail.IntakeStamp;
import io.mailgateway.mail.MailContent;
import io.mailgateway.mail.MailSpool;
import io.mailgateway.mail.QueueIds;
import io.mailgateway.mail.QueuedMail;
import io.mailgateway.mail.RejectedMailException;
import io.mailgateway.mail.SubmittedMail;
import io.mailgateway.queue.EnqueueException;
import io.mailgateway.queue.OutboundQueue;
import io.mailgateway.queue.StorageGuard;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One file of a pickup folder → one queued mail, or a file in failed/ with its reason. Called by the
 * {@code pickup} route for each stable file; never throws for a bad file or a busy broker:
 * <ul>
 * <li>the mail is queued, then the file moves to processed/ (never the other way round);</li>
 * <li>a file that can never be a mail moves to failed/ with {@code NAME.reason.txt};</li>
 * <li>when the queue is unavailable the file stays where it is and is tried again at the next scan;</li>
 * <li>so does every file while free disk is below {@code gateway.disk.min-free}: it is not read, not moved,
 * and is mailed once space returns.</li>
 * </ul>
 * A crash between queueing and moving makes the next scan read the file again; its duplicate id (name, size,
 * modification time and content hash, or the envelope's idempotency key) is then already known, so the file
 * is only moved, and should that check not know it (an external broker) the broker drops the second copy
 * itself: the file is mailed once.
 *
 * <p>A large file is never read whole into memory: an .eml's body is streamed from the file into the broker,
 * a report file is streamed into its attachment in a spool file ({@link MailSpool}), and the hash is computed
 * while reading.
 */
public final class PickupIntake {

    /** Exchange property: the pickup folder the route watches. */
    public static final String ROOT = "pickupRoot";

    private static final Logger log = LoggerFactory.getLogger(PickupIntake.class);

    private final GatewayProperties.Pickup config;
    private final ReportRules rules;
    private final OutboundQueue queue;
    private final IntakeStamp stamp;
    private final EnvelopeReader envelopeReader;
    private final EnvelopeComposer envelopeComposer;
    private final EmlReader emlReader;
    private final MailSpool spool;
    private final PickupDisposition disposition;
    private final Predicate<String> alreadyQueued;
    private final StorageGuard storage;
    private final Clock clock;
    /** Set while files are left for lack of disk space, so that a pause is logged once, not once per file and scan. */
    private final AtomicBoolean pausedForDisk = new AtomicBoolean();

    /**
     * @param alreadyQueued whether a duplicate id is known to mail.outbound's duplicate detection: a file
     *                      whose mail was queued but which was not moved (a crash, a failed move) is then
     *                      moved without streaming it to the broker again. Answering false is always safe:
     *                      the broker still drops the second copy
     */
    public PickupIntake(GatewayProperties.Pickup config, ReportRules rules, OutboundQueue queue, String hostname,
                        EnvelopeReader envelopeReader, EnvelopeComposer envelopeComposer, EmlReader emlReader,
                        MailSpool spool, Predicate<String> alreadyQueued, StorageGuard storage, Clock clock) {
        this.config = config;
        this.rules = rules;
        this.queue = queue;
        this.stamp = new IntakeStamp(hostname);
        this.envelopeReader = envelopeReader;
        this.envelopeComposer = envelopeComposer;
        this.emlReader = emlReader;
        this.spool = spool;
        this.disposition = new PickupDisposition(config.getAfterSuccess());
        this.alreadyQueued = alreadyQueued;
        this.storage = storage;
        this.clock = clock;
    }

    /** The route's step: the exchange's body is the file. */
    public void handle(Exchange exchange) {
        Path root = Path.of(exchange.getProperty(ROOT, String.class)).toAbsolutePath().normalize();
        Path file = Path.of(exchange.getIn().getHeader(Exchange.FILE_PATH, String.class)).toAbsolutePath().normalize();
        handle(root, file);
    }

    void handle(Path root, Path file) {
        Path relative = root.relativize(file);
        if (!storage.intakeAllowed()) {
            // not failed/: the file is fine, the disk is not; the next scan after space returns mails it
            if (pausedForDisk.compareAndSet(false, true)) {
                log.warn("[pickup] free disk below gateway.disk.min-free: files stay in the pickup folder until space"
                    + " returns (first one: file={})", relative);
            }
            return;
        }
        if (pausedForDisk.compareAndSet(true, false)) {
            log.info("[pickup] free disk back above gateway.disk.min-free: taking files again");
        }
        Instant now = clock.instant();
        LocalDateTime localNow = LocalDateTime.ofInstant(now, ZoneId.systemDefault());
        List<Path> companions = List.of();
        try {
            if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                throw new RejectedMailException("not a regular file (a symbolic link or a device?)");
            }
            long size = Files.size(file);
            if (size == 0) {
                throw new RejectedMailException("the file is empty (0 bytes)");
            }
            if (size > config.getMaxFileSize().toBytes()) {
                throw new RejectedMailException("the file has " + size + " bytes, more than gateway.pickup.max-file-size ("
                    + config.getMaxFileSize().toBytes() + ")");
            }
            long modified = Files.getLastModifiedTime(file, LinkOption.NOFOLLOW_LINKS).toMillis();
            Optional<GatewayProperties.ReportRule> rule = rules.match(relative);
            SubmittedMail submitted;
            String id = QueueIds.next();
            long queuedSize;
            // held open until the mail is queued: on Windows no tool can be writing the file meanwhile (see
            // PickupFileAccess); the content below reads the file through its own handles
            try (FileChannel writersKeptOut = PickupFileAccess.openDenyingWriters(file)) {
                // fed while the file is read to be parsed or attached: the file is not read once more for it
                MessageDigest sha256 = sha256();
                submitted = rule.isPresent() ? report(rule.get(), file, localNow, sha256) : parse(root, file, size, sha256);
                companions = submitted.companionFiles();
                String hash = HexFormat.of().formatHex(sha256.digest());

                String duplicateId = duplicateId(submitted, relative, size, modified, hash);
                // closing it deletes the spool file of a report mail; an .eml's content is the file itself
                try (MailContent submittedContent = submitted.content()) {
                    if (knownToBroker(duplicateId)) {
                        // queued before a crash or a failed move: the broker would drop a second copy anyway,
                        // so the file is not streamed to it again, and the log says what happened
                        queuedSize = -1;
                    } else {
                        MailContent content = stamp.stamp(submittedContent,
                            "pickup (" + relative.toString().replace('\\', '/') + ")", "local", id,
                            submitted.envelope().recipients(), now);
                        QueuedMail mail = QueuedMail.received(id, submitted.envelope(), content,
                            new QueuedMail.Trace("pickup", now, "pickup:" + relative, null));
                        queue.enqueue(mail, duplicateId);
                        queuedSize = content.size();
                    }
                }
            }
            Path moved = disposition.succeeded(root, file, companions, localNow);
            String where = moved == null ? " (file deleted)" : " moved to " + root.relativize(moved);
            if (queuedSize < 0) {
                log.info("[pickup] file={} was queued before, not queued again,{}", relative, where);
            } else {
                log.info("[pickup] {} queued from file={} from=<{}> recipients={} size={}{}", id, relative,
                    submitted.envelope().sender(), submitted.envelope().recipients().size(), queuedSize, where);
            }
        } catch (RejectedMailException e) {
            fail(root, file, relative, companions, e.getMessage(), localNow);
        } catch (EnqueueException e) {
            log.warn("[pickup] file={} left in place, will retry: {}", relative, e.getMessage());
        } catch (IOException | UncheckedIOException e) {
            // vanished, locked by its writer (Windows) or unreadable, or an attachment of it: try again at the
            // next scan
            log.warn("[pickup] file={} left in place, cannot read or move it now: {}", relative, e.toString());
        }
    }

    private SubmittedMail report(GatewayProperties.ReportRule rule, Path file, LocalDateTime now, MessageDigest digest)
            throws RejectedMailException, IOException {
        SubmittedMail report = ReportMailComposer.compose(rule, file, now, spool, digest);
        if (report.envelope().recipients().size() > config.getMaxRecipients()) {
            report.content().close();
            throw new RejectedMailException("the report rule has more than " + config.getMaxRecipients() + " recipients");
        }
        return report;
    }

    private SubmittedMail parse(Path root, Path file, long size, MessageDigest digest)
            throws RejectedMailException, IOException {
        String name = file.getFileName().toString();
        String lower = name.toLowerCase(Locale.ROOT);
        if (lower.endsWith(".eml")) {
            // the file itself: only its header section is read here, its body streamed when it is queued
            return emlReader.read(MailContent.ofFile(file, 0, size), name, config.getMaxRecipients(), digest);
        }
        if (lower.endsWith(".xml")) {
            EnvelopeDocument document;
            // the reader reads the whole file (or rejects it as too large), so the digest sees every byte
            try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
                document = envelopeReader.read(in, name);
            }
            return envelopeComposer.compose(document,
                new FolderAttachmentResolver(root, file.getParent()), config.getMaxRecipients());
        }
        throw new RejectedMailException("not a mail: only .eml and .xml files, and files a report rule matches, are mailed");
    }

    private void fail(Path root, Path file, Path relative, List<Path> companions, String reason, LocalDateTime now) {
        try {
            Path moved = disposition.failed(root, file, companions, reason, now);
            log.warn("[pickup] file={} rejected, moved to {}: {}", relative, root.relativize(moved), reason);
        } catch (IOException e) {
            log.error("[pickup] file={} rejected ({}) but cannot be moved to failed/: {}", relative, reason, e.toString());
        }
    }

    private boolean knownToBroker(String duplicateId) {
        try {
            return alreadyQueued.test(duplicateId);
        } catch (RuntimeException e) {
            // the broker still drops a second copy, and the send that follows says whether it is up
            return false;
        }
    }

    /** The idempotency key when the submitter gave one; else this exact file, as it was when read. */
    private static String duplicateId(SubmittedMail submitted, Path relative, long size, long modified, String hash) {
        if (submitted.idempotencyKey() != null) {
            return "key:" + submitted.idempotencyKey();
        }
        return "pickup:" + relative.toString().replace('\\', '/') + ":" + size + ":" + modified + ":" + hash;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JVM", e);
        }
    }
}

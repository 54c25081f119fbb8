package io.mailgateway.console;

import io.mailgateway.delivery.DeliveryCounters;
import io.mailgateway.files.AtomicFiles;
import io.mailgateway.mail.MailContent;
import io.mailgateway.mail.MailSpool;
import io.mailgateway.queue.MailBodies;
import io.mailgateway.queue.MailProperties;
import io.mailgateway.queue.QueueNames;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;
import javax.management.ObjectName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jms.core.JmsTemplate;

/**
 * {@link MailQueueMXBean} over the broker, embedded or external. Listings and counts go through
 * {@link BrokerQueues} (deferred mail is scheduled, which JMS browsing does not show); retrying moves a dead letter
 * in one local JMS transaction (consume it from mail.dead by its id, send a fresh copy with its attempts
 * reset to mail.outbound, commit), so a crash in between neither loses nor doubles it. Bodies are streamed
 * (a large one through a spool file when retried, straight into the export file when exported), never held
 * whole in the heap.
 */
public final class MailQueue implements MailQueueMXBean, AutoCloseable {

    public static final String OBJECT_NAME = "mailgateway:type=MailQueue";

    private static final Logger log = LoggerFactory.getLogger(MailQueue.class);
    /**
     * Queue ids are 18 upper-case hex digits (QueueIds); a little leeway either side, but nothing that could
     * change the meaning of a selector it is put into.
     */
    private static final Pattern QUEUE_ID_FORM = Pattern.compile("[0-9A-F]{6,40}");

    private final BrokerQueues queues;
    private final JmsTemplate jms;
    private final DeliveryCounters counters;
    private final MailSpool spool;
    private final Path exportDir;
    private final Clock clock;
    private ObjectName registered;

    public MailQueue(BrokerQueues queues, jakarta.jms.ConnectionFactory connectionFactory,
                     DeliveryCounters counters, MailSpool spool, Path dataDir, Clock clock) {
        this.queues = queues;
        this.jms = new JmsTemplate(connectionFactory);
        this.jms.setSessionTransacted(true);
        this.jms.setReceiveTimeout(2_000);
        this.counters = counters;
        this.spool = spool;
        this.exportDir = dataDir.resolve("export");
        this.clock = clock;
    }

    /** Puts the bean into the platform MBean server, where Hawtio and jconsole find it. */
    public MailQueue register() throws Exception {
        ObjectName name = new ObjectName(OBJECT_NAME);
        var server = ManagementFactory.getPlatformMBeanServer();
        if (server.isRegistered(name)) {
            server.unregisterMBean(name); // a previous context in the same JVM (tests)
        }
        server.registerMBean(new DescribedMailQueue(this), name);
        registered = name;
        return this;
    }

    @Override
    public void close() throws Exception {
        if (registered != null && ManagementFactory.getPlatformMBeanServer().isRegistered(registered)) {
            ManagementFactory.getPlatformMBeanServer().unregisterMBean(registered);
        }
    }

    @Override
    public long getReadyCount() {
        return queues.messageCount(QueueNames.OUTBOUND) - queues.scheduledCount(QueueNames.OUTBOUND);
    }

    @Override
    public long getDeferredCount() {
        return queues.scheduledCount(QueueNames.OUTBOUND);
    }

    @Override
    public long getDeadCount() {
        return queues.messageCount(QueueNames.DEAD);
    }

    @Override
    public long getOldestDeferredAgeSeconds() {
        long now = clock.millis();
        return queues.scheduled(QueueNames.OUTBOUND).stream()
            .map(m -> m.get(MailProperties.RECEIVED_AT))
            .filter(t -> t instanceof Number)
            .mapToLong(t -> Math.max(0, (now - ((Number) t).longValue()) / 1000))
            .max().orElse(0);
    }

    @Override
    public long getDeliveredTotal() {
        return counters.delivered();
    }

    @Override
    public long getFailedTotal() {
        return counters.failed();
    }

    @Override
    public List<MailSummary> listDeferred() {
        return queues.scheduled(QueueNames.OUTBOUND).stream().map(MailQueue::summary).toList();
    }

    @Override
    public List<MailSummary> listDead() {
        return queues.browse(QueueNames.DEAD).stream().map(MailQueue::summary).toList();
    }

    @Override
    public String retry(String queueId) {
        requireId(queueId);
        int moved = retryWhere(queueId);
        log.info("[console] retry {}: {} dead letter(s) back to {}", queueId, moved, QueueNames.OUTBOUND);
        return moved == 0 ? "no dead letter " + queueId : "retrying " + queueId;
    }

    @Override
    public String retryAll() {
        int moved = retryWhere(null);
        log.info("[console] retry all: {} dead letter(s) back to {}", moved, QueueNames.OUTBOUND);
        return "retrying " + moved + " dead letter(s)";
    }

    @Override
    public String delete(String queueId) {
        requireId(queueId);
        int deleted = 0;
        for (String name : List.of(QueueNames.DEAD, QueueNames.OUTBOUND)) {
            deleted += queues.delete(name, selector(queueId));
        }
        log.info("[console] deleted {}: {} message(s)", queueId, deleted);
        return deleted == 0 ? "no mail " + queueId : "deleted " + deleted + " message(s) of " + queueId;
    }

    @Override
    public String export(String queueId) {
        requireId(queueId);
        try {
            Files.createDirectories(exportDir);
            Path target = exportDir.resolve(queueId + ".eml");
            Boolean exported = jms.browseSelected(QueueNames.DEAD, selector(queueId), (session, browser) -> {
                Enumeration<?> messages = browser.getEnumeration();
                if (!messages.hasMoreElements()) {
                    return false;
                }
                Message dead = (Message) messages.nextElement();
                try {
                    writeExport(target, dead.getStringProperty(MailProperties.ENVELOPE_FROM),
                        dead.getStringProperty(MailProperties.ENVELOPE_TO), out -> MailBodies.writeTo(dead, out));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                return true;
            });
            if (!Boolean.TRUE.equals(exported) && !queues.exportScheduled(QueueNames.OUTBOUND, queueId,
                    (from, to, body) -> writeExport(target, from, to, body::writeTo))) {
                return "no dead or deferred mail " + queueId;
            }
            log.info("[console] exported {} to {}", queueId, target);
            return "exported to " + target.toAbsolutePath();
        } catch (IOException | UncheckedIOException e) {
            throw new IllegalStateException("export " + queueId + " failed: " + e.getMessage(), e);
        }
    }

    /** Body writers throw what they throw; the export turns it into one IOException. */
    @FunctionalInterface
    private interface BodyWriter {
        void writeTo(OutputStream out) throws Exception;
    }

    private static void writeExport(Path target, String from, String to, BodyWriter body) throws IOException {
        AtomicFiles.replace(target, out -> {
            out.write(envelopeLines(from, to));
            try {
                body.writeTo(out);
            } catch (IOException e) {
                throw e;
            } catch (Exception e) {
                throw new IOException(e.getMessage(), e);
            }
        }, PosixFilePermissions.fromString("rw-------"), temp -> { });
    }

    @Override
    public String deliverAllDeferredNow() {
        long deferred = queues.scheduledCount(QueueNames.OUTBOUND);
        queues.deliverScheduledNow(QueueNames.OUTBOUND);
        log.info("[console] {} deferred mail(s) released for delivery now", deferred);
        return deferred + " deferred mail(s) released for delivery now";
    }

    /**
     * Re-sends the dead letters there are now (all, or those of one queue id), each consumed and re-sent in
     * its own transaction. The list is taken first, so a mail that dies again at once is not retried again.
     */
    private int retryWhere(String queueId) {
        List<String> selectors = new ArrayList<>();
        for (Map<String, Object> message : queues.browse(QueueNames.DEAD)) {
            Object id = message.get(MailProperties.QUEUE_ID);
            if (id == null || !QUEUE_ID_FORM.matcher(id.toString()).matches()
                    || (queueId != null && !queueId.equals(id.toString()))) {
                continue;
            }
            Object deadAt = message.get(MailProperties.DEAD_AT);
            selectors.add(selector(id.toString()) + (deadAt instanceof Number n ? " AND " + MailProperties.DEAD_AT + " = " + n.longValue() : ""));
        }
        int moved = 0;
        for (String selector : selectors) {
            if (retryOne(selector)) {
                moved++;
            }
        }
        return moved;
    }

    private boolean retryOne(String selector) {
        Boolean moved = jms.execute(session -> {
            MessageConsumer consumer = session.createConsumer(session.createQueue(QueueNames.DEAD), selector);
            try {
                Message dead = consumer.receive(1_000);
                if (dead == null) {
                    return false;
                }
                Map<String, Object> properties = new HashMap<>();
                for (String property : List.of(MailProperties.QUEUE_ID, MailProperties.ENVELOPE_FROM,
                        MailProperties.ENVELOPE_TO, MailProperties.INTAKE, MailProperties.SUBJECT,
                        MailProperties.CLIENT_ADDRESS, MailProperties.AUTH_USER)) {
                    if (dead.propertyExists(property)) {
                        properties.put(property, dead.getObjectProperty(property));
                    }
                }
                // a retried mail starts afresh: no attempts, and its lifetime counts from now
                properties.put(MailProperties.ATTEMPTS, 0);
                properties.put(MailProperties.RECEIVED_AT, clock.millis());
                try (MailContent body = MailBodies.read(dead, spool)) {
                    MailBodies.send(session, QueueNames.OUTBOUND, body, properties);
                } catch (IOException e) {
                    throw new IllegalStateException("cannot move dead letter " + selector + ": " + e.getMessage(), e);
                }
                session.commit();
                return true;
            } finally {
                consumer.close();
            }
        }, true);
        return Boolean.TRUE.equals(moved);
    }

    private static byte[] envelopeLines(String from, String to) {
        StringBuilder envelope = new StringBuilder("X-Envelope-From: <").append(from == null ? "" : from).append(">\r\n");
        for (String recipient : (to == null ? "" : to).split("\n")) {
            if (!recipient.isEmpty()) {
                envelope.append("X-Envelope-To: <").append(recipient).append(">\r\n");
            }
        }
        return envelope.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static MailSummary summary(Map<String, Object> m) {
        Function<String, String> text = name -> {
            Object value = m.get(name);
            return value == null ? "" : value.toString();
        };
        Object attempts = m.get(MailProperties.ATTEMPTS);
        boolean dead = m.get(MailProperties.DEAD_REASON) != null;
        return new MailSummary(text.apply(MailProperties.QUEUE_ID), text.apply(MailProperties.ENVELOPE_FROM),
            text.apply(MailProperties.ENVELOPE_TO).replace('\n', ','), text.apply(MailProperties.SUBJECT),
            text.apply(MailProperties.INTAKE), attempts instanceof Number n ? n.intValue() : 0,
            dead ? text.apply(MailProperties.DEAD_REASON) : text.apply(MailProperties.LAST_ERROR),
            time(m.get(MailProperties.NEXT_ATTEMPT_AT)), time(m.get(MailProperties.DEAD_AT)));
    }

    private static String time(Object epochMillis) {
        return epochMillis instanceof Number n ? Instant.ofEpochMilli(n.longValue()).toString() : "";
    }

    private static void requireId(String queueId) {
        if (queueId == null || !QUEUE_ID_FORM.matcher(queueId).matches()) {
            throw new IllegalArgumentException("not a queue id: " + queueId);
        }
    }

    private static String selector(String queueId) {
        return MailProperties.QUEUE_ID + " = '" + queueId + "'";
    }

}

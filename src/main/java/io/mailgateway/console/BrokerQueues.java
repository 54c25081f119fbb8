package io.mailgateway.console;

import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;

/**
 * What the console, the health check and the JMS intake need to know about the broker's queues beyond what
 * JMS offers (scheduled messages, counts, deletion by filter). Two implementations: {@link EmbeddedBrokerQueues}
 * reads the embedded broker's server-side queues; {@link ExternalBrokerQueues} asks an external broker
 * through Artemis management messages. Message properties come back as maps keyed by property name, with
 * text values as {@code String} and numbers as some {@code Number}.
 */
public interface BrokerQueues {

    /** Messages in {@code queue}, scheduled ones included. */
    long messageCount(String queue);

    /** Messages in {@code queue} scheduled for a later delivery (deferred mail). */
    long scheduledCount(String queue);

    /** Properties of the scheduled messages of {@code queue}. */
    List<Map<String, Object>> scheduled(String queue);

    /** Properties of the messages of {@code queue} that are not scheduled, in queue order. */
    List<Map<String, Object>> browse(String queue);

    /** Deletes the messages (scheduled ones too) matching the selector {@code filter}; returns how many. */
    int delete(String queue, String filter);

    /** Every scheduled message of {@code queue} becomes deliverable now. */
    void deliverScheduledNow(String queue);

    /**
     * Hands the first scheduled message of {@code queue} whose {@code MailQueueId} is {@code queueId} to
     * {@code export}; false when there is none.
     *
     * @throws UnsupportedOperationException where scheduled bodies cannot be read (an external broker)
     */
    boolean exportScheduled(String queue, String queueId, ScheduledExport export) throws IOException;

    /** Whether the broker's duplicate detection on {@code address} already knows {@code duplicateId}. */
    boolean duplicateKnown(String address, String duplicateId);

    /**
     * The broker's state in a word for /actuator/health ("ACTIVE", "connected"), or an exception saying
     * why it cannot be used now.
     */
    String state() throws Exception;

    /** Receives one scheduled mail: envelope sender, recipients (newline-separated) and a body writer. */
    @FunctionalInterface
    interface ScheduledExport {
        void write(String envelopeFrom, String envelopeTo, BodyWriter body) throws IOException;
    }

    @FunctionalInterface
    interface BodyWriter {
        void writeTo(OutputStream out) throws Exception;
    }
}

package io.mailgateway.console;

import java.util.List;

/**
 * The operators' view of the mail queue, at the top of the JMX tree as {@code mailgateway:type=MailQueue}
 * (jconsole, Jolokia, later Hawtio). Ids are the gateway's queue ids, as in the logs.
 */
public interface MailQueueMXBean {

    /** Mail waiting for its first or next attempt right now. */
    long getReadyCount();

    /** Mail scheduled for a later attempt after a temporary failure. */
    long getDeferredCount();

    long getDeadCount();

    /** Age in seconds of the oldest deferred mail (since it was received), 0 when none is deferred. */
    long getOldestDeferredAgeSeconds();

    /** Recipients delivered / failed permanently since start. */
    long getDeliveredTotal();

    long getFailedTotal();

    List<MailSummary> listDeferred();

    List<MailSummary> listDead();

    /** A dead letter back to mail.outbound with its attempts reset; it is delivered or dies again with a new reason. */
    String retry(String queueId);

    /** Every dead letter back to mail.outbound, e.g. after fixing the smart host password. */
    String retryAll();

    /** Deletes a dead letter or a deferred mail for good. */
    String delete(String queueId);

    /** Writes one mail as {@code ${data-dir}/export/ID.eml} (envelope on top, like the capture outbox). */
    String export(String queueId);

    /** Every deferred mail gets its next attempt now instead of at its scheduled time. */
    String deliverAllDeferredNow();
}

package io.mailgateway.console;

import java.util.Map;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanInfo;
import javax.management.MBeanOperationInfo;
import javax.management.MBeanParameterInfo;
import javax.management.StandardMBean;

/**
 * The MailQueue MXBean as registered, with the words an operator sees in Hawtio's Attributes and Operations
 * tabs: what each number means, what each operation does, and "queueId" instead of "p0" for the argument.
 * Plain MXBeans carry only the method names.
 */
final class DescribedMailQueue extends StandardMBean {

    private static final Map<String, String> DESCRIPTIONS = Map.ofEntries(
        Map.entry("ReadyCount", "Mail waiting for its first or next attempt right now"),
        Map.entry("DeferredCount", "Mail scheduled for a later attempt after a temporary failure (see listDeferred)"),
        Map.entry("DeadCount", "Mail that failed for good and waits for an operator (see listDead)"),
        Map.entry("OldestDeferredAgeSeconds", "Age in seconds of the oldest deferred mail since it was received; 0 when none"),
        Map.entry("DeliveredTotal", "Recipients delivered since the gateway started"),
        Map.entry("FailedTotal", "Recipients failed permanently since the gateway started"),
        Map.entry("listDeferred", "Deferred mail: id, from, to, subject, intake, attempts, last error, next attempt"),
        Map.entry("listDead", "Dead letters: id, from, to, subject, intake, attempts, reason (lastError), when (deadAt)"),
        Map.entry("retry", "Sends one dead letter back to the queue with its attempts reset (id from listDead)"),
        Map.entry("retryAll", "Sends every dead letter back to the queue, e.g. after fixing the smart host password"),
        Map.entry("delete", "Deletes one dead letter or deferred mail for good (id from listDead or listDeferred)"),
        Map.entry("export", "Writes one mail to data/export/<id>.eml, envelope on top, to read or resend it"),
        Map.entry("deliverAllDeferredNow", "Gives every deferred mail its next attempt now instead of at its scheduled time"));

    DescribedMailQueue(MailQueueMXBean queue) {
        super(queue, MailQueueMXBean.class, true);
    }

    @Override
    protected String getDescription(MBeanInfo info) {
        return "The gateway's mail queue: counts, deferred mail and dead letters, and what an operator can do about them";
    }

    @Override
    protected String getDescription(MBeanAttributeInfo info) {
        return DESCRIPTIONS.getOrDefault(info.getName(), info.getDescription());
    }

    @Override
    protected String getDescription(MBeanOperationInfo info) {
        return DESCRIPTIONS.getOrDefault(info.getName(), info.getDescription());
    }

    @Override
    protected String getParameterName(MBeanOperationInfo op, MBeanParameterInfo param, int sequence) {
        return "queueId";
    }

    @Override
    protected String getDescription(MBeanOperationInfo op, MBeanParameterInfo param, int sequence) {
        return "The queue id, as in listDead / listDeferred and in the log";
    }
}

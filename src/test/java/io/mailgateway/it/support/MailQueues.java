package io.mailgateway.it.support;

import static org.awaitility.Awaitility.await;

import io.mailgateway.console.MailQueue;
import io.mailgateway.console.MailQueueMXBean;
import io.mailgateway.console.MailSummary;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import javax.management.JMX;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;

/** The gateway's MailQueue MBean as the in-process tests reach it (over JMX, as a console would). */
public final class MailQueues {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private MailQueues() {
    }

    /** A proxy to mailgateway:type=MailQueue in this JVM's platform MBean server. */
    public static MailQueueMXBean local() {
        try {
            return JMX.newMXBeanProxy(ManagementFactory.getPlatformMBeanServer(), new ObjectName(MailQueue.OBJECT_NAME),
                MailQueueMXBean.class);
        } catch (MalformedObjectNameException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Waits until a dead letter to exactly {@code recipient} is listed, and returns it. */
    public static MailSummary awaitDead(MailQueueMXBean queue, String recipient) {
        return awaitTo(queue::listDead, recipient);
    }

    /** Waits until deferred mail to exactly {@code recipient} is listed, and returns it. */
    public static MailSummary awaitDeferred(MailQueueMXBean queue, String recipient) {
        return awaitTo(queue::listDeferred, recipient);
    }

    private static MailSummary awaitTo(Supplier<List<MailSummary>> list, String recipient) {
        return await().atMost(WAIT).until(() -> list.get().stream()
            .filter(m -> m.getTo().equals(recipient)).findFirst().orElse(null), m -> m != null);
    }
}

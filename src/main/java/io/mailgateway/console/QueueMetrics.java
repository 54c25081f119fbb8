package io.mailgateway.console;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/** Queue depths for Prometheus: {@code mailgateway_queue_mails{state=ready|deferred|dead}}. */
public final class QueueMetrics {

    private QueueMetrics() {
    }

    public static void register(MeterRegistry registry, MailQueueMXBean queue) {
        Gauge.builder("mailgateway.queue.mails", queue, MailQueueMXBean::getReadyCount).tag("state", "ready")
            .description("mails in the queue").register(registry);
        Gauge.builder("mailgateway.queue.mails", queue, MailQueueMXBean::getDeferredCount).tag("state", "deferred")
            .description("mails in the queue").register(registry);
        Gauge.builder("mailgateway.queue.mails", queue, MailQueueMXBean::getDeadCount).tag("state", "dead")
            .description("mails in the queue").register(registry);
    }
}

package io.mailgateway.delivery;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;

/**
 * Delivery outcomes per recipient since start, for the operators' MBean and for Prometheus
 * ({@code mailgateway_delivered_total}, {@code mailgateway_deferred_total}, {@code mailgateway_dead_total},
 * and {@code mailgateway_delivery_latency_seconds} from intake to the next hop's 250).
 */
public final class DeliveryCounters {

    private final Counter delivered;
    private final Counter deferred;
    private final Counter failed;
    private final Timer latency;

    public DeliveryCounters(MeterRegistry registry) {
        this.delivered = Counter.builder("mailgateway.delivered").description("recipients delivered").register(registry);
        this.deferred = Counter.builder("mailgateway.deferred").description("recipients deferred for a later attempt").register(registry);
        this.failed = Counter.builder("mailgateway.dead").description("recipients dead-lettered").register(registry);
        this.latency = Timer.builder("mailgateway.delivery.latency").description("from intake to delivery")
            .register(registry);
    }

    void count(DeliveryReport report, Instant receivedAt, Instant now) {
        for (RecipientResult result : report.results()) {
            switch (result.status()) {
                case DELIVERED -> {
                    delivered.increment();
                    latency.record(Duration.between(receivedAt, now));
                }
                case DEFERRED -> deferred.increment();
                case FAILED -> failed.increment();
            }
        }
    }

    public long delivered() {
        return (long) delivered.count();
    }

    public long deferred() {
        return (long) deferred.count();
    }

    public long failed() {
        return (long) failed.count();
    }
}

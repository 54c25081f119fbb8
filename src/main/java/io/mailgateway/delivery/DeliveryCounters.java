package io.mailgateway.delivery;

import java.util.concurrent.atomic.AtomicLong;

/** Delivery outcomes since start, per recipient, for the operators' console. */
public final class DeliveryCounters {

    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong deferred = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();

    void count(DeliveryReport report) {
        for (RecipientResult result : report.results()) {
            switch (result.status()) {
                case DELIVERED -> delivered.incrementAndGet();
                case DEFERRED -> deferred.incrementAndGet();
                case FAILED -> failed.incrementAndGet();
            }
        }
    }

    public long delivered() {
        return delivered.get();
    }

    public long deferred() {
        return deferred.get();
    }

    public long failed() {
        return failed.get();
    }
}

package io.mailgateway.console;

import io.mailgateway.queue.StorageGuard;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;

/**
 * Free disk where mail is kept, as the intakes see it ({@link StorageGuard}): DOWN while it is below
 * {@code gateway.disk.min-free} and new mail is refused. Replaces Spring Boot's own diskSpace indicator (same
 * component name), whose threshold would be a second, different minimum. Uses the guard's cached reading, so
 * a probe never waits on the file system more than once a second.
 */
public final class DiskSpaceHealth implements HealthIndicator {

    private final StorageGuard guard;

    public DiskSpaceHealth(StorageGuard guard) {
        this.guard = guard;
    }

    @Override
    public Health health() {
        boolean allowed = guard.intakeAllowed();
        StorageGuard.Reading reading = guard.lastReading();
        Health.Builder health = allowed ? Health.up() : Health.down();
        if (reading != null) {
            health.withDetail("path", reading.where()).withDetail("free", reading.usableBytes());
        }
        return health.withDetail("threshold", guard.minFreeBytes())
            .withDetail("intake", allowed ? "accepting" : "paused: new mail gets 452 4.3.1")
            .build();
    }

    /**
     * {@code mailgateway_disk_free_bytes} and {@code mailgateway_intake_paused} (1 while free disk is below
     * the minimum), for alerts that fire before clients see 452.
     */
    public static void registerMetrics(MeterRegistry registry, StorageGuard guard) {
        Gauge.builder("mailgateway.disk.free", guard,
                g -> g.lastReading() == null ? Double.NaN : g.lastReading().usableBytes())
            .baseUnit("bytes").description("usable space where mail is kept").register(registry);
        Gauge.builder("mailgateway.disk.min.free", guard, StorageGuard::minFreeBytes)
            .baseUnit("bytes").description("gateway.disk.min-free").register(registry);
        Gauge.builder("mailgateway.intake.paused", guard, g -> g.intakeAllowed() ? 0 : 1)
            .description("1 while new mail is refused for lack of disk space").register(registry);
    }
}

package io.mailgateway.console;

import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;

/**
 * The broker that holds every queued mail can be used now: the embedded one is started and active, an
 * external one answers a new session.
 */
public final class BrokerHealth implements HealthIndicator {

    private final BrokerQueues broker;
    private final String where;

    /** @param where "embedded" or the external broker's address, without credentials */
    public BrokerHealth(BrokerQueues broker, String where) {
        this.broker = broker;
        this.where = where;
    }

    @Override
    public Health health() {
        try {
            return Health.up().withDetail("broker", where).withDetail("state", broker.state()).build();
        } catch (Exception e) {
            return Health.down().withDetail("broker", where).withDetail("state", String.valueOf(e.getMessage())).build();
        }
    }
}

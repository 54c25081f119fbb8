package io.mailgateway.console;

import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;

/** The embedded broker is started and active (it holds every queued mail). */
public final class BrokerHealth implements HealthIndicator {

    private final EmbeddedActiveMQ broker;

    public BrokerHealth(EmbeddedActiveMQ broker) {
        this.broker = broker;
    }

    @Override
    public Health health() {
        var server = broker.getActiveMQServer();
        return server != null && server.isActive()
            ? Health.up().withDetail("state", server.getState().toString()).build()
            : Health.down().withDetail("state", server == null ? "not created" : server.getState().toString()).build();
    }
}

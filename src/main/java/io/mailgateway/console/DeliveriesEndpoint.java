package io.mailgateway.console;

import io.mailgateway.delivery.DeliveryTrail;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;

/**
 * {@code GET /actuator/deliveries/{queueId}}: the attempts of one recent mail and what the next hop
 * answered for each recipient (404 when the id is unknown or not yet attempted). No listing: only someone
 * who has the queue id (the submitter, the log) can look. Served where the other actuator endpoints are
 * ({@code server.address}, loopback by default).
 */
@Endpoint(id = "deliveries")
public class DeliveriesEndpoint {

    private final DeliveryTrail trail;

    public DeliveriesEndpoint(DeliveryTrail trail) {
        this.trail = trail;
    }

    @ReadOperation
    public DeliveryTrail.Mail mail(@Selector String queueId) {
        return trail.find(queueId).orElse(null);
    }
}

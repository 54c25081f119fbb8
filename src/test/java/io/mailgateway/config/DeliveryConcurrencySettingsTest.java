package io.mailgateway.config;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validation;
import jakarta.validation.Validator;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * gateway.delivery.concurrency, .destination-concurrency and smarthost(s).max-connections: the defaults, and
 * the message naming the key when a value cannot work.
 */
class DeliveryConcurrencySettingsTest {

    private final Validator validator = Validation.buildDefaultValidatorFactory().getValidator();

    private List<String> problems(GatewayProperties properties) {
        return validator.validate(properties).stream().map(ConstraintViolation::getMessage).toList();
    }

    @Test
    void byDefaultTwentyDeliveriesAtOnceAndAtMostTenToOneNextHop() {
        GatewayProperties properties = new GatewayProperties();
        GatewayProperties.Delivery delivery = properties.getDelivery();

        assertThat(delivery.getConcurrency()).isEqualTo(20);
        assertThat(delivery.effectiveDestinationConcurrency()).isEqualTo(10);
        assertThat(delivery.concurrencyFor(delivery.getSmarthost())).isEqualTo(10);
        assertThat(problems(properties)).isEmpty();
    }

    @Test
    void unsetTheLimitPerNextHopIsHalfTheConcurrencyRoundedUp() {
        GatewayProperties properties = new GatewayProperties();
        GatewayProperties.Delivery delivery = properties.getDelivery();

        delivery.setConcurrency(5);
        assertThat(delivery.effectiveDestinationConcurrency()).isEqualTo(3);
        delivery.setConcurrency(1);
        assertThat(delivery.effectiveDestinationConcurrency()).isEqualTo(1);
        assertThat(problems(properties)).isEmpty();
    }

    @Test
    void theLimitPerNextHopMustBeBetweenOneAndTheConcurrency() {
        for (int refused : new int[] {0, 21}) {
            GatewayProperties properties = new GatewayProperties();
            properties.getDelivery().setDestinationConcurrency(refused);
            assertThat(problems(properties)).as("%d", refused).singleElement().asString()
                .startsWith("gateway.delivery.destination-concurrency must be between 1 and gateway.delivery.concurrency");
        }
        GatewayProperties fine = new GatewayProperties();
        fine.getDelivery().setDestinationConcurrency(20);
        assertThat(problems(fine)).isEmpty();
        assertThat(fine.getDelivery().effectiveDestinationConcurrency()).isEqualTo(20);
    }

    @Test
    void aSmartHostsMaxConnectionsReplacesTheLimitForItAndMustFitTheConcurrency() {
        GatewayProperties properties = new GatewayProperties();
        GatewayProperties.Delivery delivery = properties.getDelivery();
        GatewayProperties.SmartHost office365 = new GatewayProperties.SmartHost();
        office365.setMaxConnections(3);
        delivery.getSmarthosts().put("office365", office365);

        assertThat(problems(properties)).isEmpty();
        assertThat(delivery.concurrencyFor(office365)).isEqualTo(3);
        assertThat(delivery.concurrencyFor(delivery.getSmarthost())).isEqualTo(10);

        office365.setMaxConnections(30);
        assertThat(problems(properties)).singleElement().asString()
            .startsWith("gateway.delivery.smarthost.max-connections and gateway.delivery.smarthosts.NAME.max-connections");
        delivery.getSmarthost().setMaxConnections(0);
        office365.setMaxConnections(null);
        assertThat(problems(properties)).singleElement().asString().contains("must be between 1 and gateway.delivery.concurrency");
    }
}

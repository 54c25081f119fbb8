package io.mailgateway.config;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validation;
import jakarta.validation.Validator;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** gateway.delivery.bounces.*: what is accepted at start, and the message naming the key when not. */
class BounceSettingsTest {

    private final Validator validator = Validation.buildDefaultValidatorFactory().getValidator();

    private List<String> problems(GatewayProperties properties) {
        return validator.validate(properties).stream().map(ConstraintViolation::getMessage).toList();
    }

    @Test
    void theDefaultsAreBouncesOnNoPostmasterNoDelayWarning() {
        GatewayProperties properties = new GatewayProperties();
        GatewayProperties.Bounces bounces = properties.getDelivery().getBounces();

        assertThat(bounces.isEnabled()).isTrue();
        assertThat(bounces.postmasterOrNull()).isNull();
        assertThat(bounces.getDelayWarningAfter()).isNull();
        assertThat(problems(properties)).isEmpty();
    }

    @Test
    void anEmptyPostmasterMeansNobody() {
        GatewayProperties properties = new GatewayProperties();
        properties.getDelivery().getBounces().setPostmaster("");

        assertThat(problems(properties)).isEmpty();
        assertThat(properties.getDelivery().getBounces().postmasterOrNull()).isNull();
    }

    @Test
    void aPostmasterThatIsNotAPlainAddressIsRefused() {
        GatewayProperties properties = new GatewayProperties();
        properties.getDelivery().getBounces().setPostmaster("Postmaster <postmaster@example.com>");

        assertThat(problems(properties)).singleElement().asString().startsWith("gateway.delivery.bounces.postmaster");
    }

    @Test
    void aDelayWarningMustBePositiveAndComeBeforeTheMailIsGivenUp() {
        GatewayProperties zero = new GatewayProperties();
        zero.getDelivery().getBounces().setDelayWarningAfter(Duration.ZERO);
        GatewayProperties tooLate = new GatewayProperties();
        tooLate.getDelivery().getBounces().setDelayWarningAfter(Duration.ofDays(5));
        GatewayProperties fine = new GatewayProperties();
        fine.getDelivery().getBounces().setDelayWarningAfter(Duration.ofHours(4));

        assertThat(problems(zero)).singleElement().asString().contains("delay-warning-after must be positive");
        assertThat(problems(tooLate)).singleElement().asString().contains("must be shorter than gateway.delivery.retry.max-lifetime");
        assertThat(problems(fine)).isEmpty();
    }
}

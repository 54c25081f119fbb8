package io.mailgateway.config;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validation;
import jakarta.validation.Validator;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** gateway.smtp.shutdown-grace: what is accepted at start, and the message naming the key when not. */
class ShutdownGraceSettingTest {

    private final Validator validator = Validation.buildDefaultValidatorFactory().getValidator();

    @Test
    void theDefaultIsTwentySeconds() {
        GatewayProperties properties = new GatewayProperties();

        assertThat(properties.getSmtp().getShutdownGrace()).isEqualTo(Duration.ofSeconds(20));
        assertThat(problems(properties)).isEmpty();
    }

    @Test
    void zeroAndTenMinutesAreAccepted() {
        assertThat(problems(grace(Duration.ZERO))).isEmpty();
        assertThat(problems(grace(Duration.ofMinutes(10)))).isEmpty();
    }

    @Test
    void aNegativeOrLongerGraceIsRefusedNamingTheKey() {
        assertThat(problems(grace(Duration.ofSeconds(-1)))).singleElement().asString()
            .startsWith("gateway.smtp.shutdown-grace must be between 0s and 10m");
        assertThat(problems(grace(Duration.ofMinutes(11)))).singleElement().asString()
            .startsWith("gateway.smtp.shutdown-grace");
    }

    private static GatewayProperties grace(Duration grace) {
        GatewayProperties properties = new GatewayProperties();
        properties.getSmtp().setShutdownGrace(grace);
        return properties;
    }

    private List<String> problems(GatewayProperties properties) {
        return validator.validate(properties).stream().map(ConstraintViolation::getMessage).toList();
    }
}

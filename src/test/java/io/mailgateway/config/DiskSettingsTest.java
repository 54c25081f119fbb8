package io.mailgateway.config;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validation;
import jakarta.validation.Validator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;

/** gateway.disk.min-free: what is accepted at start, and the message naming the key when not. */
class DiskSettingsTest {

    private final Validator validator = Validation.buildDefaultValidatorFactory().getValidator();

    private List<String> problems(GatewayProperties properties) {
        return validator.validate(properties).stream().map(ConstraintViolation::getMessage).toList();
    }

    @Test
    void theDefaultIs500MegabytesAndValid() {
        GatewayProperties properties = new GatewayProperties();

        assertThat(properties.getDisk().getMinFree()).isEqualTo(DataSize.ofMegabytes(500));
        assertThat(problems(properties)).isEmpty();
    }

    @Test
    void theMinimumMustHoldTwoCopiesOfTheLargestMail() {
        GatewayProperties tooSmall = new GatewayProperties();
        tooSmall.getSmtp().setMaxMessageSize(DataSize.ofMegabytes(300));
        GatewayProperties justEnough = new GatewayProperties();
        justEnough.getSmtp().setMaxMessageSize(DataSize.ofMegabytes(250));

        assertThat(problems(tooSmall)).singleElement().asString()
            .startsWith("gateway.disk.min-free must be at least twice gateway.smtp.max-message-size");
        assertThat(problems(justEnough)).isEmpty();
    }

    @Test
    void zeroOrNoMinimumIsRefused() {
        GatewayProperties zero = new GatewayProperties();
        zero.getDisk().setMinFree(DataSize.ofBytes(0));
        zero.getSmtp().setMaxMessageSize(DataSize.ofBytes(0));
        GatewayProperties none = new GatewayProperties();
        none.getDisk().setMinFree(null);

        assertThat(problems(zero)).singleElement().asString().isEqualTo("gateway.disk.min-free must be positive (e.g. 500MB)");
        assertThat(problems(none)).singleElement().asString().contains("null");
    }
}

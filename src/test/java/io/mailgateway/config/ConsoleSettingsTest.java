package io.mailgateway.config;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validation;
import jakarta.validation.Validator;
import java.util.List;
import org.junit.jupiter.api.Test;

/** gateway.console.*: what is accepted at start, and the message naming the key when not. */
class ConsoleSettingsTest {

    private final Validator validator = Validation.buildDefaultValidatorFactory().getValidator();

    private List<String> problems(List<String> allowedOrigins) {
        GatewayProperties properties = new GatewayProperties();
        properties.getConsole().setAllowedOrigins(allowedOrigins);
        return validator.validate(properties).stream().map(ConstraintViolation::getMessage).toList();
    }

    @Test
    void allowedOriginsAreSchemeHostAndPort() {
        assertThat(problems(List.of())).isEmpty();
        assertThat(problems(List.of("https://mail-admin.example.com", "http://10.0.0.5:8080/"))).isEmpty();
    }

    @Test
    void anAllowedOriginThatCouldNeverMatchIsRefusedNamingTheKey() {
        for (String origin : List.of("mail-admin.example.com", "https://mail-admin.example.com/console", "null")) {
            assertThat(problems(List.of(origin))).as(origin).singleElement().asString()
                .startsWith("gateway.console.allowed-origins");
        }
    }
}

package io.mailgateway.delivery.dkim;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validation;
import jakarta.validation.Validator;
import jakarta.validation.ValidatorFactory;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/**
 * {@code gateway.delivery.dkim} as operators write it: property names and environment variables bind to
 * {@link DkimSettings} (Spring's binder alone, no context), and bad values are named by the validation.
 */
class DkimSettingsTest {

    private static ValidatorFactory factory;
    private static Validator validator;

    @BeforeAll
    static void validator() {
        factory = Validation.buildDefaultValidatorFactory();
        validator = factory.getValidator();
    }

    @AfterAll
    static void close() {
        factory.close();
    }

    private static DkimSettings valid() {
        DkimSettings settings = new DkimSettings();
        settings.setDomain("example.com");
        settings.setSelector("mail2025");
        settings.setPrivateKey(Path.of("/etc/mail-gateway/dkim/example.com.pem"));
        return settings;
    }

    private static Map<String, String> problems(DkimSettings settings) {
        Set<ConstraintViolation<DkimSettings>> violations = validator.validate(settings);
        return violations.stream().collect(Collectors.toMap(v -> v.getPropertyPath().toString(),
            ConstraintViolation::getMessage, (a, b) -> a + "; " + b));
    }

    @Test
    void propertiesBindAsAListOfEntries() {
        var source = new MapConfigurationPropertySource(Map.of(
            "gateway.delivery.dkim[0].domain", "example.com",
            "gateway.delivery.dkim[0].selector", "mail2025",
            "gateway.delivery.dkim[0].private-key", "/keys/example.com.pem",
            "gateway.delivery.dkim[1].domain", "example.org",
            "gateway.delivery.dkim[1].selector", "ed",
            "gateway.delivery.dkim[1].private-key", "/keys/example.org.pem",
            "gateway.delivery.dkim[1].headers", "From,Subject,List-Unsubscribe",
            "gateway.delivery.dkim[1].canonicalization", "relaxed/simple"));

        List<DkimSettings> entries = new Binder(source)
            .bind("gateway.delivery.dkim", Bindable.listOf(DkimSettings.class)).get();

        assertThat(entries).hasSize(2);
        assertThat(entries.get(0).getPrivateKey()).isEqualTo(Path.of("/keys/example.com.pem"));
        assertThat(entries.get(0).getCanonicalization()).isEqualTo("relaxed/relaxed");
        assertThat(entries.get(0).getHeaders()).isEmpty();
        assertThat(entries.get(1).getHeaders()).containsExactly("From", "Subject", "List-Unsubscribe");
        assertThat(entries.get(1).getCanonicalization()).isEqualTo("relaxed/simple");
    }

    @Test
    void environmentVariablesBindToo() {
        MutablePropertySources sources = new MutablePropertySources();
        sources.addFirst(new SystemEnvironmentPropertySource(
            StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, Map.of(
            "GATEWAY_DELIVERY_DKIM_0_DOMAIN", "example.com",
            "GATEWAY_DELIVERY_DKIM_0_SELECTOR", "mail2025",
            "GATEWAY_DELIVERY_DKIM_0_PRIVATEKEY", "/keys/example.com.pem")));

        List<DkimSettings> entries = new Binder(ConfigurationPropertySources.from(sources))
            .bind("gateway.delivery.dkim", Bindable.listOf(DkimSettings.class)).get();

        assertThat(entries).singleElement().satisfies(entry -> {
            assertThat(entry.getDomain()).isEqualTo("example.com");
            assertThat(entry.getPrivateKey()).isEqualTo(Path.of("/keys/example.com.pem"));
        });
    }

    @Test
    void aCompleteEntryIsValid() {
        assertThat(problems(valid())).isEmpty();
    }

    @Test
    void domainSelectorAndKeyAreRequired() {
        DkimSettings settings = new DkimSettings();

        assertThat(problems(settings)).containsOnlyKeys("domain", "selector", "privateKey");
    }

    @Test
    void badValuesAreNamed() {
        DkimSettings settings = valid();
        settings.setDomain("example");
        settings.setSelector("mail 2025");
        settings.setCanonicalization("loose");
        settings.setHeaders(List.of("Subject", "Bad Name"));

        Map<String, String> problems = problems(settings);

        assertThat(problems).containsEntry("domain", "must be a domain name such as example.com")
            .containsEntry("selector", "must be a DKIM selector: letters, digits, '-' and '_', dot-separated")
            .containsEntry("canonicalization", "must be relaxed/relaxed, relaxed/simple, simple/relaxed or simple/simple")
            .containsEntry("headers[1].<list element>", "must be a header field name")
            .containsEntry("fromSigned", "headers must include From when set (RFC 6376 §5.4)");
    }

    @Test
    void headersThatIncludeFromInAnyCaseAreValid() {
        DkimSettings settings = valid();
        settings.setHeaders(List.of("subject", "FROM", "List-Unsubscribe"));

        assertThat(problems(settings)).isEmpty();
    }
}

package io.mailgateway.deploy;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.springframework.boot.convert.DurationStyle;
import org.yaml.snakeyaml.Yaml;

/** Settings as src/main/resources/application.yml ships them, for the deployment files that must fit them. */
final class ShippedDefaults {

    /**
     * Past the SMTP grace period a stop still finishes deliveries in flight and closes the broker journal:
     * a service manager's stop timeout must leave this much on top of the grace.
     */
    static final Duration AFTER_SMTP_GRACE = Duration.ofSeconds(30);

    private ShippedDefaults() {
    }

    /** {@code gateway.smtp.shutdown-grace}. */
    static Duration shutdownGrace() throws IOException {
        try (Reader reader = Files.newBufferedReader(Path.of("src", "main", "resources", "application.yml"), StandardCharsets.UTF_8)) {
            Map<String, Object> yaml = new Yaml().load(reader);
            Object value = map(map(yaml.get("gateway")).get("smtp")).get("shutdown-grace");
            return DurationStyle.detectAndParse(String.valueOf(value));
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        return (Map<String, Object>) value;
    }
}

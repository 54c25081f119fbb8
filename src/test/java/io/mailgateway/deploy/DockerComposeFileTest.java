package io.mailgateway.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * docker-compose.yml and its Dockerfile, read as files (no Docker engine needed): every published port on
 * the host's loopback, the gateway's data on a named volume, Mailpit as the demo smart host, an image built
 * from the jar Maven made, and a comment for every setting.
 */
class DockerComposeFileTest {

    private static final Path COMPOSE = Path.of("docker-compose.yml");
    private static final Path DOCKERFILE = Path.of("src", "main", "docker", "Dockerfile");
    /** A YAML key (with or without a value on its line) or a list item. */
    private static final Pattern SETTING = Pattern.compile("^\\s*(- |[A-Za-z_][\\w.-]*:(\\s|$))");

    @Test
    void everyPublishedPortIsBoundToTheHostsLoopback() throws IOException {
        Map<String, Object> services = map(compose().get("services"));
        List<String> published = new ArrayList<>();
        for (Map.Entry<String, Object> service : services.entrySet()) {
            Object ports = map(service.getValue()).get("ports");
            if (ports != null) {
                for (Object port : (List<?>) ports) {
                    assertThat(port).as(service.getKey() + " publishes a port in the short string form").isInstanceOf(String.class);
                    published.add(service.getKey() + " " + port);
                    assertThat((String) port).as(service.getKey()).startsWith("127.0.0.1:");
                }
            }
        }
        assertThat(published).isNotEmpty();
    }

    @Test
    void theGatewaysDataIsOnANamedVolumeAtTheImagesDataFolder() throws IOException {
        Map<String, Object> compose = compose();
        Map<String, Object> gateway = map(map(compose.get("services")).get("gateway"));
        String dataDir = dockerfileEnv("GATEWAY_DATA_DIR");

        assertThat(gateway.get("volumes")).asList().contains("gateway-data:" + dataDir);
        assertThat(map(compose.get("volumes"))).containsKey("gateway-data");
        assertThat(Files.readString(DOCKERFILE)).contains("VOLUME [\"" + dataDir + "\"]");
    }

    @Test
    void mailpitIsTheDemoSmartHostAndItsSmtpPortIsNotPublished() throws IOException {
        Map<String, Object> services = map(compose().get("services"));
        Map<String, Object> mailpit = map(services.get("mailpit"));
        Map<String, Object> environment = map(map(services.get("gateway")).get("environment"));

        assertThat((String) mailpit.get("image")).startsWith("axllent/mailpit");
        assertThat(environment).containsEntry("GATEWAY_DELIVERY_MODE", "smarthost")
            .containsEntry("GATEWAY_DELIVERY_SMARTHOST_HOST", "mailpit")
            .containsEntry("GATEWAY_DELIVERY_SMARTHOST_PORT", "1025");
        assertThat((List<?>) mailpit.get("ports")).noneMatch(p -> p.toString().endsWith(":1025"));
    }

    @Test
    void theImageIsMadeFromTheJarMavenBuiltNotCompiledInDocker() throws IOException {
        Map<String, Object> build = map(map(map(compose().get("services")).get("gateway")).get("build"));
        String dockerfile = Files.readString(DOCKERFILE);

        assertThat(Path.of((String) build.get("context")).resolve((String) build.get("dockerfile")).normalize())
            .isEqualTo(DOCKERFILE);
        assertThat(dockerfile).contains("COPY target/mail-gateway.jar", "COPY routes/", "COPY artemis-config/")
            .doesNotContainPattern("(?m)^RUN .*(mvn|gradle|curl|wget)");
        assertThat(dockerfile).containsPattern("(?m)^USER mailgw$");
    }

    @Test
    void everyGatewayGetsMoreTimeToStopThanItsSmtpGracePeriod() throws IOException {
        Duration needed = ShippedDefaults.shutdownGrace().plus(ShippedDefaults.AFTER_SMTP_GRACE);
        List<String> gateways = new ArrayList<>();
        for (Map.Entry<String, Object> service : map(compose().get("services")).entrySet()) {
            Map<String, Object> settings = map(service.getValue());
            if (settings.containsKey("build")) {
                gateways.add(service.getKey());
                Object period = settings.get("stop_grace_period");
                assertThat(period).as(service.getKey() + ": stop_grace_period (docker's default is 10s)").isNotNull();
                assertThat(composeDuration(period.toString())).as(service.getKey() + " stop_grace_period")
                    .isGreaterThanOrEqualTo(needed);
            }
        }
        assertThat(gateways).contains("gateway");
    }

    /** Compose durations: {@code 1m30s}, {@code 60s}, {@code 500ms}. */
    private static Duration composeDuration(String value) {
        var part = Pattern.compile("(\\d+)(ms|h|m|s)").matcher(value);
        Duration total = Duration.ZERO;
        int matched = 0;
        while (part.find()) {
            long n = Long.parseLong(part.group(1));
            total = total.plus(switch (part.group(2)) {
                case "h" -> Duration.ofHours(n);
                case "m" -> Duration.ofMinutes(n);
                case "s" -> Duration.ofSeconds(n);
                default -> Duration.ofMillis(n);
            });
            matched += part.group().length();
        }
        assertThat(matched).as("a compose duration: " + value).isEqualTo(value.length());
        return total;
    }

    @Test
    void everySettingHasAComment() throws IOException {
        List<String> lines = Files.readAllLines(COMPOSE, StandardCharsets.UTF_8);
        List<String> uncommented = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (SETTING.matcher(line).find() && !opensBlock(line) && !commented(lines, i)) {
                uncommented.add((i + 1) + ": " + line.strip());
            }
        }
        assertThat(uncommented).as("settings without a comment above or beside them").isEmpty();
    }

    /**
     * A comment on the line or right above it. A run of settings at the same indentation shares the comment
     * above its first line (the retry settings, a group of ports), and the first entries of a block share the
     * comment above the key that opens it. A key that only opens a block is not a setting itself.
     */
    private static boolean commented(List<String> lines, int index) {
        String line = lines.get(index);
        if (line.contains(" # ")) {
            return true;
        }
        if (index == 0) {
            return false;
        }
        String previous = lines.get(index - 1);
        if (previous.strip().startsWith("#")) {
            return true;
        }
        boolean previousIsSetting = SETTING.matcher(previous).find();
        boolean sibling = previousIsSetting && indent(previous) == indent(line);
        boolean parent = previousIsSetting && indent(previous) < indent(line) && previous.strip().endsWith(":");
        return (sibling || parent) && commented(lines, index - 1);
    }

    private static boolean opensBlock(String line) {
        return line.strip().endsWith(":") && !line.strip().startsWith("- ");
    }

    private static int indent(String line) {
        return line.length() - line.stripLeading().length();
    }

    private static String dockerfileEnv(String name) throws IOException {
        return DeployFiles.group(Files.readString(DOCKERFILE), "(?m)^ENV " + name + "=(\\S+)");
    }

    private static Map<String, Object> compose() throws IOException {
        try (Reader reader = Files.newBufferedReader(COMPOSE, StandardCharsets.UTF_8)) {
            return new Yaml().load(reader);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        assertThat(value).isInstanceOf(Map.class);
        return (Map<String, Object>) value;
    }
}

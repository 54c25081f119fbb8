package io.mailgateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailgateway.it.support.GatewayProcess;
import io.mailgateway.it.support.TestDataDirs;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The console password when none is configured, across restarts of the real jar: generated at the first start
 * and printed once, usable, never printed again, kept only as a hash (no file in the data folder contains it).
 */
class ConsolePasswordIT {

    private static final Pattern GENERATED = Pattern.compile("Console login generated: user 'admin', password '([^']+)'");

    @Test
    void aGeneratedPasswordIsPrintedOnceWorksAfterARestartAndIsStoredOnlyAsAHash() throws Exception {
        Path data = TestDataDirs.fresh("console-password");
        Path firstLog = data.resolveSibling(data.getFileName() + "-first.log");
        Path secondLog = data.resolveSibling(data.getFileName() + "-second.log");
        int httpPort = GatewayProcess.freePort();
        Map<String, String> environment = GatewayProcess.environment(data);
        environment.put("SERVER_PORT", String.valueOf(httpPort));

        String password;
        try (GatewayProcess gateway = new GatewayProcess(environment, firstLog).start(Duration.ofSeconds(60))) {
            Matcher printed = GENERATED.matcher(Files.readString(firstLog, StandardCharsets.UTF_8));
            assertThat(printed.find()).as("the first start prints the generated password").isTrue();
            password = printed.group(1);
            assertThat(password).hasSize(20);
            assertThat(jolokiaVersion(httpPort, password)).isEqualTo(200);
            assertThat(jolokiaVersion(httpPort, password + "x")).isEqualTo(403);
        }

        try (GatewayProcess gateway = new GatewayProcess(environment, secondLog).start(Duration.ofSeconds(60))) {
            String log = Files.readString(secondLog, StandardCharsets.UTF_8);
            assertThat(log).doesNotContain("Console login generated").doesNotContain(password);
            assertThat(jolokiaVersion(httpPort, password)).isEqualTo(200);
        }

        assertThat(Files.readString(data.resolve("console").resolve("password.hash"), StandardCharsets.US_ASCII))
            .startsWith("pbkdf2-sha256$");
        try (Stream<Path> files = Files.walk(data)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                assertThat(new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1))
                    .as(file.toString()).doesNotContain(password);
            }
        }
    }

    private static int jolokiaVersion(int port, String password) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/jolokia/version"))
            .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(("admin:" + password).getBytes(StandardCharsets.UTF_8)))
            .build();
        return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString()).statusCode();
    }
}

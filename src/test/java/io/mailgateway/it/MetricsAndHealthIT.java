package io.mailgateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mailgateway.it.support.Messages;
import io.mailgateway.it.support.SmtpClient;
import io.mailgateway.it.support.TestDataDirs;
import io.mailgateway.smtp.SmtpListeners;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** Prometheus metrics and health over HTTP, as a monitoring system scrapes them. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
// Spring Boot tests switch metrics export off unless asked; the gateway's own configuration has it on
@org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability
@DirtiesContext
class MetricsAndHealthIT {

    private static final Path DATA = TestDataDirs.fresh("metrics");

    @DynamicPropertySource
    static void dataDir(DynamicPropertyRegistry registry) {
        registry.add("gateway.data-dir", DATA::toString);
    }

    @LocalServerPort
    int httpPort;

    @Autowired
    SmtpListeners listeners;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void acceptedAndDeliveredMailShowsInPrometheusMetrics() throws Exception {
        assertThat(SmtpClient.send(listeners.relayPort(), "alice@example.com", List.of("bob@example.net"),
            Messages.simple(Messages.uniqueMessageId(), "alice@example.com", "bob@example.net", "metrics"))).startsWith("250 ");
        String metrics = await().atMost(Duration.ofSeconds(20)).until(() -> get("/actuator/prometheus"),
            body -> body.contains("mailgateway_delivered_total 1.0"));
        assertThat(metrics)
            .contains("mailgateway_accepted_total{intake=\"smtp\"} 1.0")
            .contains("mailgateway_queue_mails{state=\"dead\"} 0.0")
            .contains("mailgateway_queue_mails{state=\"deferred\"} 0.0")
            .contains("mailgateway_delivery_latency_seconds_count 1")
            .contains("mailgateway_intake_paused 0.0")
            .contains("mailgateway_disk_min_free_bytes 5.24288E8")
            .containsPattern("mailgateway_disk_free_bytes [0-9.]+E[0-9]+");
    }

    @Test
    void healthReportsBrokerDiskAndSmartHost() throws Exception {
        // readiness settles a moment after start (Camel's routes, the listeners): wait for UP, then look
        String health = await().atMost(Duration.ofSeconds(20)).until(() -> body("/actuator/health"),
            body -> body.startsWith("{\"status\":\"UP\""));
        assertThat(health).contains("\"status\":\"UP\"")
            .contains("\"broker\":{\"status\":\"UP\"")
            .contains("\"diskSpace\":{\"status\":\"UP\"")
            .contains("\"intake\":\"accepting\"")
            .contains("\"smartHost\":{\"status\":\"UNKNOWN\"");
    }

    private String body(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path)).GET().build(),
            HttpResponse.BodyHandlers.ofString()).body();
    }

    private String get(String path) throws Exception {
        HttpResponse<String> response = http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path)).GET().build(),
            HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return response.body();
    }
}

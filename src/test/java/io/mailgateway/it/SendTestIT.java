package io.mailgateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mailgateway.it.support.GatewayProcess;
import io.mailgateway.it.support.JarCommand;
import io.mailgateway.it.support.TestDataDirs;
import io.mailgateway.it.support.TestSmartHost;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code send-test} and {@code doctor} against a running gateway (the packaged jar in a child JVM) that
 * relays to a test smart host: a delivered test message, a 550 rejection read back from the smart host's
 * reply, a 4xx deferral; doctor sees the journal and the ports held by the running gateway; the short doctor
 * wrote its lines to the gateway's log.
 */
class SendTestIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static TestSmartHost smartHost;
    private static GatewayProcess gateway;
    private static Map<String, String> environment;
    private static Path log;

    @BeforeAll
    static void startGateway() throws Exception {
        smartHost = new TestSmartHost().start();
        smartHost.rejectRecipient("nobody@example.net", 550, "5.1.1 <nobody@example.net>: Recipient address rejected: User unknown");
        smartHost.rejectRecipient("busy@example.net", 450, "4.2.1 <busy@example.net>: mailbox busy, try again later");
        Path data = TestDataDirs.fresh("send-test");
        environment = GatewayProcess.environment(data);
        environment.put("GATEWAY_SMTP_RELAY_PORT", String.valueOf(GatewayProcess.freePort()));
        environment.put("SERVER_PORT", String.valueOf(GatewayProcess.freePort()));
        // /actuator/deliveries, which send-test follows, is behind the console login; both processes get it
        environment.put("GATEWAY_CONSOLE_PASSWORD", "send-test-console-password");
        GatewayProcess.smartHost(environment, smartHost.port());
        environment.put("GATEWAY_DELIVERY_RETRY_INITIAL_DELAY", "10m");
        environment.put("GATEWAY_DELIVERY_RETRY_MAX_DELAY", "1h");
        log = data.resolve("gateway.log");
        gateway = new GatewayProcess(environment, log).start(Duration.ofSeconds(90));
    }

    @AfterAll
    static void stopGateway() throws Exception {
        if (gateway != null) {
            gateway.close();
        }
        if (smartHost != null) {
            smartHost.stop();
        }
    }

    @Test
    void aDeliveredTestMessageIsReportedWithTheSmartHostsReply() throws Exception {
        JarCommand.Result run = JarCommand.run(environment, "send-test", "--to", "bob@example.net");

        System.out.println("[send-test] delivered, as printed:\n" + run.stdout());
        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.stdout()).containsPattern("queued as [0-9A-F]{18}")
            .contains("<bob@example.net> delivered: 127.0.0.1:" + smartHost.port() + " said: 250")
            .contains("delivered: the next hop accepted the message");
        assertThat(smartHost.where(t -> t.recipients().contains("bob@example.net")))
            .singleElement()
            .satisfies(t -> assertThat(t.text()).contains("Subject: Mail Gateway test message from "));
    }

    @Test
    void aRejectedRecipientIsReportedDeadWithThe550Text() throws Exception {
        JarCommand.Result run = JarCommand.run(environment, "send-test", "--to", "nobody@example.net");

        System.out.println("[send-test] rejected, as printed:\n" + run.stdout());
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        assertThat(run.stdout())
            .contains("<nobody@example.net> dead: 127.0.0.1:" + smartHost.port()
                + " said: 550 5.1.1 <nobody@example.net>: Recipient address rejected: User unknown (in reply to RCPT TO)")
            .contains("dead: refused for good");
    }

    @Test
    void aTemporaryRefusalIsReportedDeferredWithTheNextAttempt() throws Exception {
        JarCommand.Result run = JarCommand.run(environment, "send-test", "--to", "busy@example.net");

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(3);
        assertThat(run.stdout()).contains("<busy@example.net> deferred: 127.0.0.1:" + smartHost.port()
                + " said: 450 4.2.1 <busy@example.net>: mailbox busy")
            .contains("(next attempt ")
            .contains("deferred: the gateway keeps it");
    }

    @Test
    void doctorSeesTheJournalAndPortsHeldByTheRunningGateway() throws Exception {
        JarCommand.Result run = JarCommand.run(environment, "doctor", "--json", "--ports=");
        JsonNode report = JSON.readTree(run.stdout());

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(check(report, "journal").get("status").asText()).isEqualTo("OK");
        assertThat(check(report, "journal").get("detail").asText()).contains("in use by the running gateway");
        assertThat(check(report, "listeners").get("detail").asText()).startsWith("in use by the running gateway");
    }

    @Test
    void theShortDoctorLogsOneLinePerCheckAfterStart() throws Exception {
        // it runs in the background after start, so its lines may come after the listener's
        String lines = await().atMost(Duration.ofSeconds(60))
            .until(() -> Files.readString(log, StandardCharsets.UTF_8), text -> text.contains("[doctor] OK   smarthost.ehlo"));
        assertThat(lines).containsPattern("\\[doctor\\] OK +data-folder ")
            .containsPattern("\\[doctor\\] OK +smarthost\\.connect +127\\.0\\.0\\.1:" + smartHost.port() + " accepted a connection")
            .containsPattern("\\[doctor\\] OK +smarthost\\.tls +no TLS \\(tls=none\\) to a smart host on this machine");
    }

    @Test
    void sendTestWithoutARunningGatewaySaysSoAndExitsWithFour() throws Exception {
        Map<String, String> elsewhere = new HashMap<>(environment);
        elsewhere.put("GATEWAY_SMTP_RELAY_PORT", String.valueOf(GatewayProcess.freePort()));

        JarCommand.Result run = JarCommand.run(elsewhere, "send-test", "--to", "bob@example.net");

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(4);
        assertThat(run.stdout()).contains("cannot talk to the gateway").contains("Is it running?");
    }

    @Test
    void sendTestWithoutRecipientIsAUsageError() throws Exception {
        JarCommand.Result run = JarCommand.run(environment, "send-test");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.stderr()).contains("--to ADDRESS is required");
    }

    private static JsonNode check(JsonNode report, String id) {
        for (JsonNode check : report.get("checks")) {
            if (check.get("id").asText().equals(id)) {
                return check;
            }
        }
        throw new AssertionError("no check " + id + " in " + report.toPrettyString());
    }
}

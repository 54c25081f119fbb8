package io.mailgateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mailgateway.it.support.GatewayProcess;
import io.mailgateway.it.support.Messages;
import io.mailgateway.it.support.SmtpClient;
import io.mailgateway.it.support.StandaloneBroker;
import io.mailgateway.it.support.TestDataDirs;
import io.mailgateway.it.support.TestSmartHost;
import jakarta.jms.Connection;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two gateways (child JVMs, {@code GATEWAY_BROKER_URL}) on one Artemis broker that is not theirs: a broker in
 * the test JVM on a loopback TCP port, configured from the shipped artemis-config/external/ files, with
 * security on; gateway b connects over TLS. Each gateway has its own test smart host, so a mail arriving at gateway B's smart host was
 * delivered by gateway B.
 */
class ExternalBrokerIT {

    private static final String CONSOLE_PASSWORD = "console-secret-for-tests";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static StandaloneBroker broker;
    private static final List<Gateway> gateways = new ArrayList<>();

    record Gateway(GatewayProcess process, TestSmartHost smartHost, int smtpPort, int httpPort, Path log) {
    }

    @BeforeAll
    static void startBrokerAndTwoGateways() throws Exception {
        Path root = TestDataDirs.fresh("external-broker");
        broker = StandaloneBroker.start(root.resolve("standalone-broker"));
        for (String name : List.of("a", "b")) {
            TestSmartHost smartHost = new TestSmartHost().start();
            smartHost.slowDown(50);
            smartHost.rejectRecipient("dead@example.net", 550, "5.1.1 no such user");
            Path data = root.resolve("gateway-" + name);
            Map<String, String> environment = GatewayProcess.environment(data);
            int smtpPort = GatewayProcess.freePort();
            int httpPort = GatewayProcess.freePort();
            environment.put("GATEWAY_SMTP_RELAY_PORT", String.valueOf(smtpPort));
            environment.put("SERVER_PORT", String.valueOf(httpPort));
            environment.put("GATEWAY_HOSTNAME", "gateway-" + name + ".test");
            environment.put("GATEWAY_CONSOLE_PASSWORD", CONSOLE_PASSWORD);
            // gateway b reaches the broker over TLS (certificate and host name checked), gateway a in plain TCP
            environment.put("GATEWAY_BROKER_URL", name.equals("a") ? broker.url() + "?reconnectAttempts=-1" : broker.tlsUrl());
            environment.put("GATEWAY_BROKER_USERNAME", StandaloneBroker.USER);
            environment.put("GATEWAY_BROKER_PASSWORD", StandaloneBroker.PASSWORD);
            environment.put("GATEWAY_DELIVERY_BOUNCES_ENABLED", "false");
            GatewayProcess.smartHost(environment, smartHost.port());
            // deferred mail stays deferred during the test (the console operations on it are tested)
            environment.put("GATEWAY_DELIVERY_RETRY_INITIAL_DELAY", "10m");
            environment.put("GATEWAY_DELIVERY_RETRY_MAX_DELAY", "1h");
            smartHost.rejectRecipient("later-1@example.net", 450, "4.2.0 try again later");
            smartHost.rejectRecipient("later-2@example.net", 450, "4.2.0 try again later");
            Path log = data.resolve("gateway.log");
            GatewayProcess process = new GatewayProcess(environment, log).start(Duration.ofSeconds(120));
            gateways.add(new Gateway(process, smartHost, smtpPort, httpPort, log));
        }
    }

    @AfterAll
    static void stopAll() throws Exception {
        for (Gateway gateway : gateways) {
            gateway.process().close();
            gateway.smartHost().close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void gatewaysStartWithoutAnEmbeddedBrokerAndNeverLogTheBrokerPassword() throws Exception {
        for (Gateway gateway : gateways) {
            String log = Files.readString(gateway.log(), StandardCharsets.UTF_8);
            assertThat(log).contains("[broker] external Artemis at tcp://127.0.0.1:")
                .contains("[broker] external broker checked")
                .doesNotContain("embedded Artemis started")
                .doesNotContain(StandaloneBroker.PASSWORD)
                .doesNotContain("trustStorePassword");
        }
        JsonNode health = JSON.readTree(HTTP.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + gateways.get(0).httpPort() + "/actuator/health"))
            .header("Authorization", basic()).build(), HttpResponse.BodyHandlers.ofString()).body());
        assertThat(health.path("status").asText()).isEqualTo("UP");
    }

    @Test
    void mailAcceptedByOneGatewayIsDeliveredByBoth() throws Exception {
        Gateway a = gateways.get(0);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            String messageId = Messages.uniqueMessageId();
            ids.add(messageId);
            assertThat(SmtpClient.send(a.smtpPort(), "sender@example.com", List.of("rcpt@example.net"),
                Messages.simple(messageId, "sender@example.com", "rcpt@example.net", "spread " + i)))
                .startsWith("250");
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> ids.stream().allMatch(id ->
            gateways.stream().anyMatch(g -> !g.smartHost().withMessageId(id).isEmpty())));
        long byA = ids.stream().filter(id -> !a.smartHost().withMessageId(id).isEmpty()).count();
        long byB = ids.stream().filter(id -> !gateways.get(1).smartHost().withMessageId(id).isEmpty()).count();
        System.out.printf("[external-broker] 40 mails accepted by gateway a: delivered by a=%d, by b=%d%n", byA, byB);
        assertThat(byB).as("gateway b consumes the shared queue too").isPositive();
        assertThat(byA).isPositive();
    }

    @Test
    void aDeadLetterIsListedAndRetriedFromTheOtherGatewaysConsole() throws Exception {
        Gateway a = gateways.get(0);
        Gateway b = gateways.get(1);
        String messageId = Messages.uniqueMessageId();
        String reply = SmtpClient.send(b.smtpPort(), "", List.of("dead@example.net"),
            Messages.simple(messageId, "sender@example.com", "dead@example.net", "dead letter"));
        assertThat(reply).startsWith("250");
        String queueId = queueId(reply);

        await().atMost(Duration.ofSeconds(60)).until(() -> deadIds(a).contains(queueId));
        assertThat(jolokia(a, "{\"type\":\"read\",\"mbean\":\"mailgateway:type=MailQueue\",\"attribute\":\"DeadCount\"}")
            .path("value").asLong()).isGreaterThanOrEqualTo(1);
        assertThat(deadIds(b)).contains(queueId);

        for (Gateway gateway : gateways) {
            gateway.smartHost().acceptRecipient("dead@example.net");
        }
        JsonNode retried = jolokia(a, "{\"type\":\"exec\",\"mbean\":\"mailgateway:type=MailQueue\","
            + "\"operation\":\"retry\",\"arguments\":[\"" + queueId + "\"]}");
        assertThat(retried.path("value").asText()).isEqualTo("retrying " + queueId);
        await().atMost(Duration.ofSeconds(60)).until(() -> gateways.stream().anyMatch(g ->
            g.smartHost().withMessageId(messageId).stream().anyMatch(TestSmartHost.Transaction::accepted)));
        await().atMost(Duration.ofSeconds(10)).until(() -> !deadIds(a).contains(queueId));
    }

    @Test
    void mailPublishedToTheExternalBrokersIntakeQueueIsDelivered() throws Exception {
        String subject = "jms intake " + java.util.UUID.randomUUID();
        try (Connection connection = new ActiveMQConnectionFactory(broker.url(), StandaloneBroker.USER,
                StandaloneBroker.PASSWORD).createConnection()) {
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            TextMessage message = session.createTextMessage("Hello from an application.");
            message.setStringProperty("To", "app-rcpt@example.net");
            message.setStringProperty("From", "app@example.com");
            message.setStringProperty("Subject", subject);
            session.createProducer(session.createQueue("mail.submit")).send(message);
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> gateways.stream().anyMatch(g ->
            g.smartHost().where(t -> t.accepted() && t.text().contains("Subject: " + subject)).size() == 1));
    }

    @Test
    void aGatewayRefusesToStartWhenTheBrokerLacksOneOfItsQueues() throws Exception {
        Path data = TestDataDirs.fresh("external-broker-missing-queue");
        Map<String, String> environment = GatewayProcess.environment(data);
        environment.put("GATEWAY_CONSOLE_PASSWORD", CONSOLE_PASSWORD);
        environment.put("GATEWAY_BROKER_URL", broker.url());
        environment.put("GATEWAY_BROKER_USERNAME", StandaloneBroker.USER);
        environment.put("GATEWAY_BROKER_PASSWORD", StandaloneBroker.PASSWORD);
        environment.put("GATEWAY_JMS_QUEUE", "mail.undeclared");
        Path log = data.resolve("gateway.log");
        try (GatewayProcess gateway = new GatewayProcess(environment, log)) {
            assertThatThrownBy(() -> gateway.start(Duration.ofSeconds(120))).hasMessageContaining("gateway exited");
        }
        assertThat(Files.readString(log, StandardCharsets.UTF_8))
            .contains("queue mail.undeclared is not declared on the broker");
    }

    @Test
    void deferredMailIsListedDeletedAndReleasedThroughEitherConsole() throws Exception {
        Gateway a = gateways.get(0);
        Gateway b = gateways.get(1);
        String keptId = Messages.uniqueMessageId();
        String kept = queueId(send(a, "later-1@example.net", keptId));
        String deleted = queueId(send(b, "later-2@example.net", Messages.uniqueMessageId()));

        await().atMost(Duration.ofSeconds(60)).until(() -> deferredIds(b).containsAll(List.of(kept, deleted)));
        assertThat(jolokia(a, "{\"type\":\"read\",\"mbean\":\"mailgateway:type=MailQueue\",\"attribute\":\"DeferredCount\"}")
            .path("value").asLong()).isGreaterThanOrEqualTo(2);
        assertThat(exec(a, "delete", deleted).path("value").asText()).isEqualTo("deleted 1 message(s) of " + deleted);
        assertThat(deferredIds(b)).contains(kept).doesNotContain(deleted);

        for (Gateway gateway : gateways) {
            gateway.smartHost().acceptRecipient("later-1@example.net");
        }
        assertThat(exec(a, "deliverAllDeferredNow", null).path("value").asText()).endsWith("released for delivery now");
        await().atMost(Duration.ofSeconds(60)).until(() -> gateways.stream().anyMatch(g ->
            g.smartHost().withMessageId(keptId).stream().anyMatch(TestSmartHost.Transaction::accepted)));
    }

    private static String send(Gateway gateway, String recipient, String messageId) throws Exception {
        String reply = SmtpClient.send(gateway.smtpPort(), "", List.of(recipient),
            Messages.simple(messageId, "sender@example.com", recipient, "deferred"));
        assertThat(reply).startsWith("250");
        return reply;
    }

    private static String queueId(String reply) {
        return reply.substring(reply.lastIndexOf(' ') + 1).strip();
    }

    private static JsonNode exec(Gateway gateway, String operation, String argument) throws Exception {
        return jolokia(gateway, "{\"type\":\"exec\",\"mbean\":\"mailgateway:type=MailQueue\",\"operation\":\""
            + operation + "\"" + (argument == null ? "" : ",\"arguments\":[\"" + argument + "\"]") + "}");
    }

    private static List<String> deferredIds(Gateway gateway) throws Exception {
        List<String> ids = new ArrayList<>();
        exec(gateway, "listDeferred", null).path("value").forEach(mail -> ids.add(mail.path("id").asText()));
        return ids;
    }

    private static List<String> deadIds(Gateway gateway) throws Exception {
        JsonNode dead = jolokia(gateway, "{\"type\":\"exec\",\"mbean\":\"mailgateway:type=MailQueue\","
            + "\"operation\":\"listDead\"}");
        List<String> ids = new ArrayList<>();
        dead.path("value").forEach(mail -> ids.add(mail.path("id").asText()));
        return ids;
    }

    private static JsonNode jolokia(Gateway gateway, String request) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + gateway.httpPort() + "/actuator/jolokia"))
            .header("Authorization", basic())
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(request)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode json = JSON.readTree(response.body());
        assertThat(json.path("status").asInt()).as(response.body()).isEqualTo(200);
        return json;
    }

    private static String basic() {
        return "Basic " + Base64.getEncoder().encodeToString(("admin:" + CONSOLE_PASSWORD).getBytes(StandardCharsets.UTF_8));
    }
}

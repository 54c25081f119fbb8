package io.mailgateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mailgateway.it.support.Messages;
import io.mailgateway.it.support.SmtpClient;
import io.mailgateway.it.support.TestDataDirs;
import io.mailgateway.it.support.TestSmartHost;
import io.mailgateway.smtp.SmtpListeners;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.CookieManager;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The console over HTTP, the way Hawtio's pages use it (log in, then Jolokia with the session) and the way a
 * script does (HTTP Basic): a rejected mail shows with its reason, retry after the fix delivers it, delete
 * removes it; and the doors that must stay shut: no credentials, a foreign Origin, a write over GET, the
 * JVM's diagnostic MBeans, the Hawtio proxy, password guessing.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "gateway.console.password=" + ConsoleJolokiaIT.PASSWORD,
    "gateway.console.login.max-failures=3",
    "gateway.delivery.mode=smarthost",
    "gateway.delivery.smarthost.host=127.0.0.1",
    "gateway.delivery.smarthost.tls=none",
    "gateway.delivery.concurrency=1",
    "gateway.delivery.connect-timeout=2s",
    "gateway.delivery.retry.initial-delay=1h",
    "gateway.delivery.retry.max-delay=2h"})
@DirtiesContext
class ConsoleJolokiaIT {

    static final String PASSWORD = "correct horse battery staple";
    private static final String MAIL_QUEUE = "mailgateway:type=MailQueue";
    private static final Path DATA = TestDataDirs.fresh("console-http");
    private static final TestSmartHost SMART_HOST = new TestSmartHost().start();
    private static final ObjectMapper JSON = new ObjectMapper();

    @DynamicPropertySource
    static void wiring(DynamicPropertyRegistry registry) {
        registry.add("gateway.data-dir", DATA::toString);
        registry.add("gateway.delivery.smarthost.port", SMART_HOST::port);
    }

    @AfterAll
    static void stopSmartHost() {
        SMART_HOST.stop();
    }

    @LocalServerPort
    int port;

    @Autowired
    SmtpListeners listeners;

    HttpClient browser;

    @BeforeEach
    void newBrowser() {
        browser = HttpClient.newBuilder().cookieHandler(new CookieManager()).build();
    }

    @Test
    void anOperatorLogsInSeesWhyAMailFailedRetriesItAfterTheFixAndDeletesAnother() throws Exception {
        SMART_HOST.rejectRecipient("typo@example.net", 550, "5.1.1 <typo@example.net>: Recipient address rejected");
        SMART_HOST.rejectRecipient("spam@example.net", 554, "5.7.1 looks like spam");
        String messageId = Messages.uniqueMessageId();
        send("typo@example.net", Messages.simple(messageId, "alice@example.com", "typo@example.net", "Quarterly numbers"));
        send("spam@example.net", Messages.simple(Messages.uniqueMessageId(), "bob@example.com", "spam@example.net", "buy now"));

        logIn();
        JsonNode typo = awaitDeadLetterTo("typo@example.net");
        assertThat(typo.path("lastError").asText()).contains("550 5.1.1 <typo@example.net>: Recipient address rejected");
        assertThat(typo.path("subject").asText()).isEqualTo("Quarterly numbers");
        assertThat(typo.path("intake").asText()).isEqualTo("smtp");
        JsonNode counts = jolokiaWithSession("{\"type\":\"read\",\"mbean\":\"" + MAIL_QUEUE + "\"}");
        assertThat(counts.path("status").asInt()).isEqualTo(200);
        assertThat(counts.path("value").path("DeadCount").asLong()).isGreaterThanOrEqualTo(1);
        assertThat(counts.path("value").path("FailedTotal").asLong()).isGreaterThanOrEqualTo(1);

        SMART_HOST.acceptRecipient("typo@example.net");
        JsonNode retried = exec("retry", typo.path("id").asText());
        assertThat(retried.path("value").asText()).isEqualTo("retrying " + typo.path("id").asText());
        SMART_HOST.awaitAccepted(messageId);

        JsonNode spam = awaitDeadLetterTo("spam@example.net");
        assertThat(exec("delete", spam.path("id").asText()).path("value").asText()).startsWith("deleted 1");
        JsonNode after = exec("listDead");
        assertThat(after.path("value").findValuesAsText("id"))
            .doesNotContain(spam.path("id").asText(), typo.path("id").asText());
    }

    @Test
    void aScriptReadsWithHttpBasicAndWithoutCredentialsGets401() throws Exception {
        HttpResponse<String> anonymous = get("/actuator/jolokia/read/" + MAIL_QUEUE + "/DeadCount", null);
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(anonymous.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> v.startsWith("Basic"));
        assertThat(anonymous.body()).doesNotContain("DeadCount");

        HttpResponse<String> script = get("/actuator/jolokia/read/" + MAIL_QUEUE + "/DeadCount", basic("admin", PASSWORD));
        assertThat(script.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(script.body()).path("status").asInt()).isEqualTo(200);

        // what a recent mail's next hop said shows addresses: the same login
        assertThat(get("/actuator/deliveries/6B12E67B7F572C0138", null).statusCode()).isEqualTo(401);
        assertThat(get("/actuator/deliveries/6B12E67B7F572C0138", basic("admin", "wrong")).statusCode()).isEqualTo(403);
        assertThat(get("/actuator/deliveries/6B12E67B7F572C0138", basic("admin", PASSWORD)).statusCode()).isIn(200, 404);

        HttpResponse<String> loginPage = get("/actuator/hawtio/", null);
        assertThat(loginPage.statusCode()).isEqualTo(302);
        assertThat(loginPage.headers().firstValue("Location")).hasValueSatisfying(v -> assertThat(v).endsWith("/actuator/hawtio/login"));
    }

    @Test
    void aWriteOverGetIsRefusedWhateverTheSpelling() throws Exception {
        String auth = basic("admin", PASSWORD);
        for (String path : List.of(
                "/actuator/jolokia/exec/" + MAIL_QUEUE + "/retryAll",
                "/actuator/jolokia//EXEC/" + MAIL_QUEUE + "/retryAll",
                "/actuator/jolokia/%65xec/" + MAIL_QUEUE + "/retryAll",
                "/actuator/jolokia/?p=/exec/" + MAIL_QUEUE + "/retryAll",
                "/actuator/jolokia/write/java.lang:type=Memory/Verbose/true",
                "/actuator/hawtio/jolokia/exec/" + MAIL_QUEUE + "/retryAll")) {
            HttpResponse<String> response = get(path, auth);
            assertThat(response.statusCode()).as(path).isEqualTo(405);
            assertThat(response.headers().firstValue("Allow")).as(path).hasValue("POST");
        }
    }

    @Test
    void aForeignOriginIsRefusedAndTheConsolesOwnIsNot() throws Exception {
        String read = "{\"type\":\"read\",\"mbean\":\"" + MAIL_QUEUE + "\",\"attribute\":\"DeadCount\"}";
        HttpResponse<String> foreign = post("/actuator/jolokia", read, basic("admin", PASSWORD), "http://evil.example");
        assertThat(foreign.statusCode()).isEqualTo(403);
        assertThat(foreign.body()).contains("Origin http://evil.example may not use the console");
        HttpResponse<String> nullOrigin = post("/actuator/jolokia", read, basic("admin", PASSWORD), "null");
        assertThat(nullOrigin.statusCode()).isEqualTo(403);
        HttpResponse<String> loginFromElsewhere = post("/actuator/hawtio/auth/login",
            "{\"username\":\"admin\",\"password\":\"" + PASSWORD + "\"}", null, "http://evil.example");
        assertThat(loginFromElsewhere.statusCode()).isEqualTo(403);

        HttpResponse<String> own = post("/actuator/jolokia", read, basic("admin", PASSWORD), "http://127.0.0.1:" + port);
        assertThat(own.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(own.body()).path("status").asInt()).isEqualTo(200);
    }

    @Test
    void theJvmsDangerousMBeansAndTheProxyAreShut() throws Exception {
        String auth = basic("admin", PASSWORD);
        for (String request : List.of(
                "{\"type\":\"exec\",\"mbean\":\"com.sun.management:type=DiagnosticCommand\",\"operation\":\"vmVersion()\"}",
                "{\"type\":\"exec\",\"mbean\":\"com.sun.management:type=DiagnosticCommand\",\"operation\":\"jfrStart\",\"arguments\":[[]]}",
                "{\"type\":\"exec\",\"mbean\":\"com.sun.management:type=HotSpotDiagnostic\",\"operation\":\"dumpHeap\",\"arguments\":[\"/tmp/heap.hprof\",true]}",
                "{\"type\":\"read\",\"mbean\":\"jdk.management.jfr:type=FlightRecorder\",\"attribute\":\"Recordings\"}",
                "{\"type\":\"exec\",\"mbean\":\"java.util.logging:type=Logging\",\"operation\":\"setLoggerLevel\",\"arguments\":[\"\",\"OFF\"]}",
                // wholesale deletion of queued mail: one dead letter at a time goes through MailQueue.delete
                "{\"type\":\"exec\",\"mbean\":\"org.apache.activemq.artemis:broker=\\\"mail-gateway\\\"\",\"operation\":\"destroyQueue(java.lang.String)\",\"arguments\":[\"mail.dead\"]}",
                "{\"type\":\"exec\",\"mbean\":\"org.apache.activemq.artemis:broker=\\\"mail-gateway\\\",component=addresses,address=\\\"mail.dead\\\",subcomponent=queues,routing-type=\\\"anycast\\\",queue=\\\"mail.dead\\\"\",\"operation\":\"removeAllMessages()\"}")) {
            HttpResponse<String> response = post("/actuator/jolokia", request, auth, null);
            JsonNode reply = JSON.readTree(response.body());
            assertThat(reply.path("status").asInt()).as(request).isEqualTo(403);
            assertThat(reply.path("error").asText()).as(request).contains("forbidden");
        }
        assertThat(get("/actuator/hawtio/proxy/enabled", auth).body().strip()).isEqualTo("false");
    }

    @Test
    void repeatedFailedLoginsFromOneAddressAreThrottledWhileOtherAddressesStillGetIn() throws Exception {
        // from 127.0.0.2, so the block does not touch the other tests' 127.0.0.1
        InetAddress guesser = InetAddress.getByName("127.0.0.2");
        String wrong = basic("admin", "guess");
        for (int i = 0; i < 3; i++) {
            assertThat(rawGet(guesser, "/actuator/jolokia/version", wrong)).startsWith("HTTP/1.1 403");
        }
        String blocked = rawGet(guesser, "/actuator/jolokia/version", basic("admin", PASSWORD));
        assertThat(blocked).startsWith("HTTP/1.1 429").contains("Retry-After:").contains("Too many failed logins");
        assertThat(get("/actuator/jolokia/version", basic("admin", PASSWORD)).statusCode()).isEqualTo(200);
    }

    private void logIn() throws Exception {
        HttpResponse<String> login = post("/actuator/hawtio/auth/login",
            "{\"username\":\"admin\",\"password\":\"" + PASSWORD + "\"}", null, "http://127.0.0.1:" + port);
        assertThat(login.statusCode()).isEqualTo(200);
    }

    private JsonNode awaitDeadLetterTo(String recipient) {
        return await().atMost(Duration.ofSeconds(20)).until(() -> {
            for (JsonNode mail : exec("listDead").path("value")) {
                if (mail.path("to").asText().equals(recipient)) {
                    return mail;
                }
            }
            return null;
        }, mail -> mail != null);
    }

    private JsonNode exec(String operation, String... arguments) throws Exception {
        StringBuilder args = new StringBuilder();
        for (String argument : arguments) {
            args.append(args.isEmpty() ? "" : ",").append(JSON.writeValueAsString(argument));
        }
        JsonNode reply = jolokiaWithSession("{\"type\":\"exec\",\"mbean\":\"" + MAIL_QUEUE + "\",\"operation\":\""
            + operation + "\",\"arguments\":[" + args + "]}");
        assertThat(reply.path("status").asInt()).as(reply.toString()).isEqualTo(200);
        return reply;
    }

    /** As Hawtio's pages call it: POST to /actuator/hawtio/jolokia with the session cookie and own Origin. */
    private JsonNode jolokiaWithSession(String body) throws Exception {
        HttpResponse<String> response = post("/actuator/hawtio/jolokia", body, null, "http://127.0.0.1:" + port);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private HttpResponse<String> get(String path, String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET();
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return browser.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, String json, String authorization, String origin) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        if (origin != null) {
            request.header("Origin", origin);
        }
        return browser.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A GET from a chosen local address (HttpClient cannot pick one); returns the whole response text. */
    private String rawGet(InetAddress from, String path, String authorization) throws IOException {
        try (Socket socket = new Socket()) {
            socket.bind(new InetSocketAddress(from, 0));
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nAuthorization: " + authorization
                + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private void send(String to, String message) throws IOException {
        assertThat(SmtpClient.send(listeners.relayPort(), "alice@example.com", List.of(to), message)).startsWith("250 ");
    }
}

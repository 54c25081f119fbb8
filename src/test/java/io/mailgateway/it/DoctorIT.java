package io.mailgateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mailgateway.it.support.GatewayProcess;
import io.mailgateway.it.support.JarCommand;
import io.mailgateway.it.support.TestDataDirs;
import io.mailgateway.it.support.TestSmartHost;
import io.mailgateway.it.support.TestTls;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code java -jar target/mail-gateway.jar doctor} against real smart hosts on loopback ports: working,
 * closed, swallowing packets, refusing the password, with bad certificates, without STARTTLS. Each run is
 * the packaged jar in a child JVM, as a user runs it; the JSON output is parsed, the exit code checked.
 */
class DoctorIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant NOW = Instant.now();
    private static final TestTls.Identity CA = TestTls.certificateAuthority("Doctor Test CA");

    private final List<AutoCloseable> cleanup = new ArrayList<>();
    private final Path data = TestDataDirs.fresh("doctor");

    @AfterEach
    void closeEverything() throws Exception {
        for (AutoCloseable closeable : cleanup) {
            closeable.close();
        }
    }

    @Test
    void everyCheckPassesAgainstAWorkingSmartHostWithStartTlsAndAuth() throws Exception {
        TestSmartHost smartHost = started(new TestSmartHost().withStartTls(validCaSignedTls()).withAuth("alice", "correct horse"));
        Map<String, String> env = smartHostEnvironment(smartHost.port(), "starttls-required");
        trustTheTestCa(env);
        logInAs(env, "alice", "correct horse");

        JarCommand.Result run = doctor(env, "--json");
        JsonNode report = JSON.readTree(run.stdout());

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(report.get("exitCode").asInt()).isZero();
        assertThat(report.get("counts").get("FAIL").asInt()).isZero();
        assertThat(status(report, "configuration")).isEqualTo("OK");
        assertThat(status(report, "data-folder")).isEqualTo("OK");
        assertThat(status(report, "smarthost.dns")).isEqualTo("OK");
        assertThat(status(report, "smarthost.connect")).isEqualTo("OK");
        assertThat(detail(report, "smarthost.ehlo")).contains("STARTTLS", "AUTH PLAIN LOGIN");
        assertThat(detail(report, "smarthost.tls")).startsWith("STARTTLS: TLSv1.");
        assertThat(status(report, "smarthost.certificate")).isEqualTo("OK");
        assertThat(detail(report, "smarthost.certificate")).contains("trusted", "days left");
        assertThat(status(report, "smarthost.auth")).isEqualTo("OK");
        assertThat(detail(report, "smarthost.auth")).contains("logged in as alice", "235");
        assertThat(smartHost.transactions()).as("doctor never sends mail").isEmpty();

        JarCommand.Result text = doctor(env);
        System.out.println("[doctor] a passing run, as printed:\n" + text.stdout());
        assertThat(text.exitCode()).isZero();
        assertThat(text.stdout()).contains("OK    smart host AUTH").contains(" 0 FAIL");
    }

    @Test
    void aClosedPortFailsAsRefusedAndNamesThePortThatAnswers() throws Exception {
        TestSmartHost working = started(new TestSmartHost());
        int closed = GatewayProcess.freePort();
        Map<String, String> env = smartHostEnvironment(closed, "none");

        JarCommand.Result run = doctor(env, "--json", "--ports", String.valueOf(working.port()));
        JsonNode report = JSON.readTree(run.stdout());

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        assertThat(status(report, "smarthost.connect")).isEqualTo("FAIL");
        assertThat(detail(report, "smarthost.connect")).contains("127.0.0.1:" + closed + " refused the connection");
        assertThat(fix(report, "smarthost.connect"))
            .contains("Port " + working.port() + " of 127.0.0.1 answers")
            .contains("GATEWAY_DELIVERY_SMARTHOST_PORT=" + working.port());
        assertThat(detail(report, "smarthost.ports"))
            .contains(closed + " refused [configured]").contains(working.port() + " open");
        assertThat(status(report, "smarthost.ehlo")).isEqualTo("SKIP");
    }

    @Test
    void aPortThatSwallowsPacketsFailsAsTimedOutNotRefused() throws Exception {
        int port = swallowingPort();
        Map<String, String> env = smartHostEnvironment(port, "starttls-required");

        JarCommand.Result run = doctor(env, "--json", "--timeout", "2s", "--ports", "");
        JsonNode report = JSON.readTree(run.stdout());

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        assertThat(status(report, "smarthost.connect")).isEqualTo("FAIL");
        assertThat(detail(report, "smarthost.connect")).contains("timed out after 2 s").doesNotContain("refused");
        assertThat(fix(report, "smarthost.connect")).contains("firewall or your internet provider blocks");
    }

    @Test
    void aWrongPasswordFailsAuthenticationWithTheServersReplyAndNeverShowsThePassword() throws Exception {
        TestSmartHost smartHost = started(new TestSmartHost().withStartTls(validCaSignedTls()).withAuth("alice", "correct horse"));
        Map<String, String> env = smartHostEnvironment(smartHost.port(), "starttls-required");
        trustTheTestCa(env);
        logInAs(env, "alice", "Tr0ub4dor&3");

        JarCommand.Result run = doctor(env, "--json", "--verbose");
        JsonNode report = JSON.readTree(run.stdout());

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        assertThat(status(report, "smarthost.auth")).isEqualTo("FAIL");
        assertThat(detail(report, "smarthost.auth")).contains("authentication as alice refused", "535");
        assertThat(fix(report, "smarthost.auth")).contains("GATEWAY_DELIVERY_SMARTHOST_PASSWORD");
        assertThat(report.get("transcript").toString()).contains("-> STARTTLS").contains("********");
        assertThat(run.stdout() + run.stderr()).doesNotContain("Tr0ub4dor")
            .doesNotContain(Base64.getEncoder().encodeToString("Tr0ub4dor&3".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void aSelfSignedCertificateFailsWithItsDaysLeftAndThePasswordIsNotSent() throws Exception {
        TestSmartHost smartHost = started(new TestSmartHost()
            .withStartTls(TestTls.serverContext(TestTls.selfSigned("smarthost.test", NOW.minus(Duration.ofDays(1)),
                NOW.plus(Duration.ofDays(100).plusHours(1)))))
            .withAuth("alice", "correct horse"));
        Map<String, String> env = smartHostEnvironment(smartHost.port(), "starttls-required");
        logInAs(env, "alice", "correct horse");

        JarCommand.Result run = doctor(env, "--json");
        JsonNode report = JSON.readTree(run.stdout());

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        assertThat(status(report, "smarthost.tls")).isEqualTo("OK");
        assertThat(status(report, "smarthost.certificate")).isEqualTo("FAIL");
        assertThat(detail(report, "smarthost.certificate")).startsWith("self-signed certificate for smarthost.test")
            .contains("100 days left");
        assertThat(fix(report, "smarthost.certificate")).contains("keytool -importcert")
            .contains("GATEWAY_DELIVERY_SMARTHOST_TRUST_STORE");
        assertThat(status(report, "smarthost.auth")).isEqualTo("SKIP");
        assertThat(detail(report, "smarthost.auth")).contains("never sent to a server that could not be verified");
    }

    @Test
    void anExpiredCertificateFailsWithTheDaysSinceItExpired() throws Exception {
        TestSmartHost smartHost = started(new TestSmartHost()
            .withStartTls(caSignedTls(NOW.minus(Duration.ofDays(400)), NOW.minus(Duration.ofDays(3).plusHours(1)))));
        Map<String, String> env = smartHostEnvironment(smartHost.port(), "starttls-required");
        trustTheTestCa(env);

        JarCommand.Result run = doctor(env, "--json");
        JsonNode report = JSON.readTree(run.stdout());

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        assertThat(status(report, "smarthost.certificate")).isEqualTo("FAIL");
        assertThat(detail(report, "smarthost.certificate")).contains("EXPIRED on").contains("(3 days ago)");
        assertThat(fix(report, "smarthost.certificate")).contains("renew");
    }

    @Test
    void aCertificateCloseToExpiryWarnsWithItsDaysLeftButDoesNotFail() throws Exception {
        TestSmartHost smartHost = started(new TestSmartHost()
            .withStartTls(caSignedTls(NOW.minus(Duration.ofDays(80)), NOW.plus(Duration.ofDays(10).plusHours(1)))));
        Map<String, String> env = smartHostEnvironment(smartHost.port(), "starttls-required");
        trustTheTestCa(env);

        JarCommand.Result run = doctor(env, "--json");
        JsonNode report = JSON.readTree(run.stdout());

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(status(report, "smarthost.certificate")).isEqualTo("WARN");
        assertThat(detail(report, "smarthost.certificate")).contains("expires in 10 days");
    }

    @Test
    void aCertificateForAnotherHostFailsNamingTheNamesItHas() throws Exception {
        TestSmartHost smartHost = started(new TestSmartHost()
            .withStartTls(TestTls.serverContext(TestTls.signedBy(CA, "relay.example.net", false,
                NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(200))))));
        Map<String, String> env = smartHostEnvironment(smartHost.port(), "starttls-required");
        trustTheTestCa(env);

        JarCommand.Result run = doctor(env, "--json");
        JsonNode report = JSON.readTree(run.stdout());

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        assertThat(detail(report, "smarthost.certificate")).contains("does not name 127.0.0.1");
        assertThat(fix(report, "smarthost.certificate")).contains("relay.example.net");
    }

    @Test
    void aSmartHostWithoutStartTlsFailsWhenTlsIsRequiredAndGetsNoPasswordInClear() throws Exception {
        TestSmartHost smartHost = started(new TestSmartHost().withAuth("alice", "correct horse"));
        Map<String, String> env = smartHostEnvironment(smartHost.port(), "starttls-required");
        logInAs(env, "alice", "correct horse");

        JarCommand.Result run = doctor(env, "--json");
        JsonNode report = JSON.readTree(run.stdout());

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        assertThat(status(report, "smarthost.ehlo")).isEqualTo("OK");
        assertThat(detail(report, "smarthost.ehlo")).as("AUTH is on offer in clear").contains("AUTH PLAIN LOGIN");
        assertThat(status(report, "smarthost.tls")).isEqualTo("FAIL");
        assertThat(detail(report, "smarthost.tls")).contains("does not offer STARTTLS").contains("starttls-required");
        assertThat(fix(report, "smarthost.tls")).contains("465 with tls=implicit");
        assertThat(status(report, "smarthost.auth")).isEqualTo("SKIP");
        assertThat(detail(report, "smarthost.auth")).contains("not sent in clear");
        assertThat(report.get("transcript").toString()).doesNotContain("-> AUTH");
    }

    @Test
    void implicitTlsIsCheckedFromTheFirstByte() throws Exception {
        TestSmartHost smartHost = started(new TestSmartHost().withImplicitTls(validCaSignedTls()).withAuth("alice", "correct horse"));
        Map<String, String> env = smartHostEnvironment(smartHost.port(), "implicit");
        trustTheTestCa(env);
        logInAs(env, "alice", "correct horse");

        JarCommand.Result run = doctor(env, "--json");
        JsonNode report = JSON.readTree(run.stdout());

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(detail(report, "smarthost.tls")).startsWith("implicit TLS");
        assertThat(status(report, "smarthost.certificate")).isEqualTo("OK");
        assertThat(status(report, "smarthost.auth")).isEqualTo("OK");
    }

    @Test
    void implicitTlsAgainstAPlainSmtpPortSaysWhichModeToUse() throws Exception {
        TestSmartHost smartHost = started(new TestSmartHost());
        Map<String, String> env = smartHostEnvironment(smartHost.port(), "implicit");

        JarCommand.Result run = doctor(env, "--json");
        JsonNode report = JSON.readTree(run.stdout());

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        assertThat(status(report, "smarthost.tls")).isEqualTo("FAIL");
        assertThat(fix(report, "smarthost.tls")).contains("does not speak TLS from the first byte")
            .contains("starttls-required");
    }

    @Test
    void anInvalidSettingFailsTheConfigurationCheckWithTheKeyAndWhereItCameFrom() throws Exception {
        Map<String, String> env = GatewayProcess.environment(data);
        env.put("GATEWAY_SMTP_RELAY_PORT", "70000");

        JarCommand.Result run = doctor(env, "--json");
        JsonNode report = JSON.readTree(run.stdout());

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        assertThat(detail(report, "configuration")).contains("gateway.smtp.relay.port", "65535", "70000",
            "GATEWAY_SMTP_RELAY_PORT");
    }

    @Test
    void captureModeNeedsNoNetworkAndPasses() throws Exception {
        JarCommand.Result run = doctor(GatewayProcess.environment(data), "--json");
        JsonNode report = JSON.readTree(run.stdout());

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(detail(report, "configuration")).contains("delivery capture");
        assertThat(status(report, "installation")).isEqualTo("OK");
        assertThat(status(report, "journal")).isEqualTo("OK");
        assertThat(status(report, "smarthost")).isEqualTo("SKIP");
        assertThat(detail(report, "mx")).contains("apply in MX mode");
    }

    @Test
    void unknownArgumentsExitWithTwo() throws Exception {
        JarCommand.Result run = doctor(GatewayProcess.environment(data), "--no-such-option");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.stderr()).contains("unknown argument '--no-such-option'", "usage: doctor");
    }

    private JarCommand.Result doctor(Map<String, String> env, String... args) throws IOException, InterruptedException {
        String[] command = new String[args.length + 1];
        command[0] = "doctor";
        System.arraycopy(args, 0, command, 1, args.length);
        boolean portsGiven = List.of(args).contains("--ports");
        return JarCommand.run(env, portsGiven ? command : withNoOtherPorts(command));
    }

    /** Ports 25, 587 and 465 of this machine are no business of these tests. */
    private static String[] withNoOtherPorts(String[] command) {
        String[] extended = new String[command.length + 1];
        System.arraycopy(command, 0, extended, 0, command.length);
        extended[command.length] = "--ports=";
        return extended;
    }

    private Map<String, String> smartHostEnvironment(int port, String tls) {
        Map<String, String> env = GatewayProcess.environment(data);
        env.put("GATEWAY_DELIVERY_SMARTHOST_HOST", "127.0.0.1");
        env.put("GATEWAY_DELIVERY_SMARTHOST_PORT", String.valueOf(port));
        env.put("GATEWAY_DELIVERY_SMARTHOST_TLS", tls);
        return env;
    }

    private static void logInAs(Map<String, String> env, String user, String password) {
        env.put("GATEWAY_DELIVERY_SMARTHOST_USERNAME", user);
        env.put("GATEWAY_DELIVERY_SMARTHOST_PASSWORD", password);
    }

    /** A server certificate for smarthost.test from the test CA, valid since yesterday for another 200 days. */
    private static SSLContext validCaSignedTls() {
        return caSignedTls(NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(200)));
    }

    private static SSLContext caSignedTls(Instant notBefore, Instant notAfter) {
        return TestTls.serverContext(TestTls.signedBy(CA, "smarthost.test", notBefore, notAfter));
    }

    private void trustTheTestCa(Map<String, String> env) {
        Path store = TestTls.trustStore(data.resolveSibling(data.getFileName() + "-trust.p12"), CA.certificate());
        env.put("GATEWAY_DELIVERY_SMARTHOST_TRUST_STORE", store.toString());
        env.put("GATEWAY_DELIVERY_SMARTHOST_TRUST_STORE_PASSWORD", TestTls.STORE_PASSWORD);
    }

    private TestSmartHost started(TestSmartHost smartHost) {
        smartHost.start();
        cleanup.add(smartHost);
        return smartHost;
    }

    /**
     * A listening socket that never accepts, its backlog filled: further SYNs are dropped, which is what a
     * firewall silently dropping packets looks like to a client.
     */
    private int swallowingPort() throws IOException {
        ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        cleanup.add(server);
        for (int i = 0; i < 64; i++) {
            Socket filler = new Socket();
            try {
                filler.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort()), 500);
                cleanup.add(filler);
            } catch (SocketTimeoutException full) {
                filler.close();
                return server.getLocalPort();
            }
        }
        throw new IllegalStateException("the backlog never filled");
    }

    private static JsonNode check(JsonNode report, String id) {
        for (JsonNode check : report.get("checks")) {
            if (check.get("id").asText().equals(id)) {
                return check;
            }
        }
        throw new AssertionError("no check " + id + " in " + report.toPrettyString());
    }

    private static String status(JsonNode report, String id) {
        return check(report, id).get("status").asText();
    }

    private static String detail(JsonNode report, String id) {
        return check(report, id).get("detail").asText();
    }

    private static String fix(JsonNode report, String id) {
        return check(report, id).get("fix").asText();
    }
}

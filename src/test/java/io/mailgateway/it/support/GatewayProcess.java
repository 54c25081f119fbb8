package io.mailgateway.it.support;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The gateway as a user runs it: {@code java -jar target/mail-gateway.jar} in a child JVM, started from the
 * project folder (where routes/ and artemis-config/ are), configured through environment variables.
 */
public final class GatewayProcess implements AutoCloseable {

    private static final Path JAR = Path.of("target", "mail-gateway.jar");

    /** The heap the gateway gets unless a test says otherwise. */
    private static final List<String> DEFAULT_JVM_OPTIONS = List.of("-Xmx256m");

    private final Map<String, String> environment;
    private final Path log;
    private List<String> jvmOptions = DEFAULT_JVM_OPTIONS;
    private Process process;

    public GatewayProcess(Map<String, String> environment, Path log) {
        this.environment = environment;
        this.log = log;
    }

    /**
     * The environment of a gateway under test: its own data folder, every listener on a free port (callers
     * override the ones they connect to), the rest default.
     */
    public static Map<String, String> environment(Path dataDir) {
        Map<String, String> environment = new java.util.HashMap<>();
        environment.put("GATEWAY_DATA_DIR", dataDir.toString());
        environment.put("GATEWAY_SMTP_RELAY_PORT", "0");
        environment.put("GATEWAY_SMTP_SUBMISSION_PORT", "0");
        environment.put("GATEWAY_SMTP_SMTPS_PORT", "0");
        environment.put("GATEWAY_JMS_PORT", "0");
        environment.put("SERVER_PORT", "0");
        return environment;
    }

    /** Delivery to a test smart host on loopback, plain SMTP, retrying after a second. */
    public static void smartHost(Map<String, String> environment, int port) {
        environment.put("GATEWAY_DELIVERY_SMARTHOST_HOST", "127.0.0.1");
        environment.put("GATEWAY_DELIVERY_SMARTHOST_PORT", String.valueOf(port));
        environment.put("GATEWAY_DELIVERY_SMARTHOST_TLS", "none");
        environment.put("GATEWAY_DELIVERY_RETRY_INITIAL_DELAY", "1s");
        environment.put("GATEWAY_DELIVERY_RETRY_MAX_DELAY", "2s");
    }

    /**
     * JVM options instead of the default ({@code -Xmx256m}), e.g. a small heap and
     * {@code -XX:+ExitOnOutOfMemoryError} for a memory test. Call before {@link #start}.
     */
    public GatewayProcess jvmOptions(String... options) {
        this.jvmOptions = List.of(options);
        return this;
    }

    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** Starts the JVM and waits until the log says the relay listener is open. */
    public GatewayProcess start(Duration timeout) throws IOException, InterruptedException {
        if (!Files.isRegularFile(JAR)) {
            throw new IllegalStateException(JAR + " missing: integration tests run after `mvn package`");
        }
        Files.createDirectories(log.getParent());
        String java = ProcessHandle.current().info().command().orElse("java");
        // the test JVM's temp dir (see pom.xml), so a checkout under /tmp is not "data under the temp dir"
        List<String> command = new ArrayList<>();
        command.add(java);
        command.addAll(jvmOptions);
        command.addAll(List.of("-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"), "-jar", JAR.toString()));
        ProcessBuilder builder = new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().putAll(environment);
        long logSizeBefore = Files.exists(log) ? Files.size(log) : 0;
        process = builder.start();
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("gateway exited with " + process.exitValue() + ", see " + log);
            }
            String output = Files.readString(log, StandardCharsets.UTF_8);
            if (output.length() > logSizeBefore && output.substring((int) logSizeBefore).contains("[smtpd] relay listener on")) {
                return this;
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("gateway did not open its listener within " + timeout + ", see " + log);
    }

    /** False once the JVM has exited (crashed, or ended by -XX:+ExitOnOutOfMemoryError). */
    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** SIGKILL: no shutdown hook, no orderly close; what a power cut looks like to the journal. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
                kill();
            }
        }
    }
}

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

    private final Map<String, String> environment;
    private final Path log;
    private Process process;

    public GatewayProcess(Map<String, String> environment, Path log) {
        this.environment = environment;
        this.log = log;
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
        List<String> command = new ArrayList<>(List.of(java, "-Xmx256m", "-jar", JAR.toString()));
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

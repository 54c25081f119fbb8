package io.mailgateway.it.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One command-line tool run of the packaged jar ({@code java -jar target/mail-gateway.jar doctor ...}) in a
 * child JVM, from the project folder, as a user runs it; stdout and stderr captured separately.
 */
public final class JarCommand {

    /** What the tool printed and how it exited. */
    public record Result(int exitCode, String stdout, String stderr) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + stdout + "--- stderr\n" + stderr;
        }
    }

    private JarCommand() {
    }

    /** Runs the tool; a guard (not an assertion) kills it if it hangs for minutes. */
    public static Result run(Map<String, String> environment, String... args) throws IOException, InterruptedException {
        Path jar = Path.of("target", "mail-gateway.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " missing: integration tests run after `mvn package`");
        }
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java, "-Xmx256m",
            "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"), "-jar", jar.toString()));
        command.addAll(List.of(args));
        Path out = Files.createTempFile("jar-command", ".out");
        Path err = Files.createTempFile("jar-command", ".err");
        try {
            ProcessBuilder builder = new ProcessBuilder(command)
                .redirectOutput(out.toFile())
                .redirectError(err.toFile());
            builder.environment().putAll(environment);
            Process process = builder.start();
            if (!process.waitFor(5, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new IllegalStateException("the command hung: " + command);
            }
            return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}

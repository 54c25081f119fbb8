package io.mailgateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mailgateway.it.support.GatewayProcess;
import io.mailgateway.it.support.TestDataDirs;
import io.mailgateway.it.support.TestSmartHost;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A kill -9 of the gateway while it works through a full pickup folder: after the restart every file is
 * delivered, and each was queued exactly once (one queue id per file, however often the folder was scanned).
 * Delivery itself is at-least-once (shared/DESIGN.md rule 2): a mail in flight at the kill may arrive twice
 * under its one queue id; that is counted and bounded by the delivery concurrency.
 */
class PickupCrashIT {

    private static final int FILES = 400;

    @Test
    void everyFileIsMailedExactlyOnceAcrossAKill() throws Exception {
        Path data = TestDataDirs.fresh("pickup-crash");
        Path pickup = data.resolve("pickup");
        Files.createDirectories(pickup);
        for (int i = 0; i < FILES; i++) {
            Path file = pickup.resolve("report-" + i + ".eml");
            Path temporary = pickup.resolve("report-" + i + ".eml.tmp");
            Files.writeString(temporary, "From: <tool@example.com>\r\nTo: <ops@example.net>\r\nMessage-ID: <file-" + i
                + "@tool.example>\r\nSubject: report " + i + "\r\n\r\nbody " + i + "\r\n", StandardCharsets.US_ASCII);
            Files.move(temporary, file);
        }
        int smartHostPort = GatewayProcess.freePort();
        Map<String, String> environment = GatewayProcess.environment(data);
        environment.put("GATEWAY_PICKUP_POLL_INTERVAL", "100ms");
        environment.put("GATEWAY_PICKUP_STABLE_TIME", "100ms");
        GatewayProcess.smartHost(environment, smartHostPort);
        Path log = data.resolve("gateway.log");

        int processedAtKill;
        try (GatewayProcess gateway = new GatewayProcess(environment, log).start(Duration.ofSeconds(90))) {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(10)).until(() -> processed(pickup) >= 40);
            gateway.kill();
            processedAtKill = processed(pickup);
        }
        assertThat(processedAtKill).as("killed mid-folder").isLessThan(FILES);

        TestSmartHost smartHost = new TestSmartHost(smartHostPort).start();
        try (GatewayProcess restarted = new GatewayProcess(environment, log).start(Duration.ofSeconds(90))) {
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
                .until(() -> delivered(smartHost).size() == FILES && processed(pickup) == FILES);
            Thread.sleep(3_000); // past the retry delay: a second copy would have arrived by now
        } finally {
            smartHost.stop();
        }
        Map<String, Integer> delivered = delivered(smartHost);
        Map<String, java.util.Set<String>> queueIds = queueIds(smartHost);
        long deliveredTwice = delivered.values().stream().filter(count -> count > 1).count();
        System.out.printf("[pickup-crash] files=%d processed-at-kill=%d delivered=%d delivered-twice=%d%n",
            FILES, processedAtKill, delivered.size(), deliveredTwice);
        assertThat(delivered).hasSize(FILES);
        assertThat(queueIds.values()).as("each file queued once").allMatch(ids -> ids.size() == 1);
        // at most gateway.delivery.destination-concurrency (10 by default) in delivery to the one smart host
        assertThat(deliveredTwice).isLessThanOrEqualTo(10);
        try (Stream<Path> left = Files.list(pickup)) {
            assertThat(left.filter(Files::isRegularFile).toList()).isEmpty();
        }
    }

    private static int processed(Path pickup) throws IOException {
        Path processed = pickup.resolve("processed");
        if (!Files.isDirectory(processed)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(processed)) {
            return (int) files.filter(Files::isRegularFile).count();
        }
    }

    /** Message-ID → the gateway queue ids (from its Received header) it was delivered under. */
    private static Map<String, java.util.Set<String>> queueIds(TestSmartHost smartHost) {
        Map<String, java.util.Set<String>> ids = new HashMap<>();
        java.util.regex.Pattern received = java.util.regex.Pattern.compile("with local id ([0-9A-F]+)");
        for (TestSmartHost.Transaction t : smartHost.where(TestSmartHost.Transaction::accepted)) {
            java.util.regex.Matcher m = received.matcher(t.text());
            ids.computeIfAbsent(t.messageId(), k -> new java.util.HashSet<>()).add(m.find() ? m.group(1) : "?");
        }
        return ids;
    }

    private static Map<String, Integer> delivered(TestSmartHost smartHost) {
        Map<String, Integer> counts = new HashMap<>();
        for (TestSmartHost.Transaction t : smartHost.where(TestSmartHost.Transaction::accepted)) {
            counts.merge(t.messageId(), 1, Integer::sum);
        }
        return counts;
    }
}

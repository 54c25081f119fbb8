package io.mailgateway.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailgateway.config.GatewayProperties;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class LocalChecksTest {

    private final Path dir = Path.of("target", "doctor-test", UUID.randomUUID().toString()).toAbsolutePath();

    @Test
    void aWritableDataFolderIsOkAndLeavesNothingBehind() throws IOException {
        Files.createDirectories(dir);

        CheckResult result = LocalChecks.dataFolder(dir);

        assertThat(result.status()).isEqualTo(Status.OK);
        assertThat(result.detail()).endsWith("is writable");
        try (var files = Files.list(dir)) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void aMissingDataFolderIsCreatedAtStartWhenItsParentIsWritable() throws IOException {
        Files.createDirectories(dir);

        CheckResult result = LocalChecks.dataFolder(dir.resolve("data"));

        assertThat(result.status()).isEqualTo(Status.OK);
        assertThat(result.detail()).contains("does not exist yet");
        assertThat(dir.resolve("data")).doesNotExist();
    }

    @Test
    void aFileWhereTheDataFolderShouldBeFails() throws IOException {
        Files.createDirectories(dir);
        Path file = Files.writeString(dir.resolve("data"), "not a folder");

        CheckResult result = LocalChecks.dataFolder(file);

        assertThat(result.status()).isEqualTo(Status.FAIL);
        assertThat(result.fix()).contains("GATEWAY_DATA_DIR");
    }

    @Test
    void freeDiskBelowTheConfiguredMinimumFailsAndSaysNewMailIsRefused() throws IOException {
        Files.createDirectories(dir);
        long free = Files.getFileStore(dir).getUsableSpace();

        CheckResult below = LocalChecks.disk(dir, free + 1024L * 1024 * 1024);
        CheckResult above = LocalChecks.disk(dir, 1);

        assertThat(below.status()).isEqualTo(Status.FAIL);
        assertThat(below.detail()).contains("below gateway.disk.min-free (GATEWAY_DISK_MIN_FREE)").contains("452 4.3.1");
        assertThat(above.status()).isNotEqualTo(Status.FAIL);
    }

    @Test
    void freeDiskBelowTwiceTheMinimumIsAWarning() throws IOException {
        Files.createDirectories(dir);
        long free = Files.getFileStore(dir).getUsableSpace();

        CheckResult result = LocalChecks.disk(dir, free * 2 / 3);

        assertThat(result.status()).isEqualTo(Status.WARN);
        assertThat(result.detail()).contains("little room for a backlog");
    }

    @Test
    void theJournalLockIsSeenAsHeldWhileSomeoneHoldsIt() throws IOException {
        Path lockFile = Files.createDirectories(dir).resolve(LocalChecks.BROKER_LOCK_FILE);
        Files.createFile(lockFile);
        assertThat(LocalChecks.lockState(lockFile)).isEqualTo(LocalChecks.JournalLock.FREE);

        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.READ, StandardOpenOption.WRITE);
             FileLock held = channel.lock()) {
            assertThat(LocalChecks.lockState(lockFile)).isEqualTo(LocalChecks.JournalLock.HELD);
        }
        assertThat(LocalChecks.lockState(lockFile)).isEqualTo(LocalChecks.JournalLock.FREE);
    }

    @Test
    void aDataFolderWithoutJournalIsFine() throws IOException {
        Files.createDirectories(dir);

        LocalChecks.Journal journal = LocalChecks.journal(dir, () -> false);

        assertThat(journal.result().status()).isEqualTo(Status.OK);
        assertThat(journal.lock()).isEqualTo(LocalChecks.JournalLock.NO_JOURNAL);
    }

    @Test
    void aLockedJournalWithoutAnAnsweringGatewayWarnsAboutTwoGatewaysOnOneFolder() throws IOException {
        Path broker = Files.createDirectories(dir.resolve("broker").resolve("journal")).getParent();
        Path lockFile = Files.createFile(broker.resolve(LocalChecks.BROKER_LOCK_FILE));

        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.READ, StandardOpenOption.WRITE);
             FileLock held = channel.lock()) {
            LocalChecks.Journal journal = LocalChecks.journal(dir, () -> false);

            assertThat(journal.result().status()).isEqualTo(Status.WARN);
            assertThat(journal.result().fix()).contains("Two gateways cannot share a data folder");
        }
    }

    @Test
    void wildcardBindAddressesAreReachedOnLoopback() {
        assertThat(LocalChecks.clientAddress("0.0.0.0")).isEqualTo("127.0.0.1");
        assertThat(LocalChecks.clientAddress("::")).isEqualTo("127.0.0.1");
        assertThat(LocalChecks.clientAddress("192.168.1.10")).isEqualTo("192.168.1.10");
    }

    @Test
    void withAnExternalBrokerTheEmbeddedBrokersFileIsNotReadAndTheBrokerIsNamedWithoutParameters() {
        GatewayProperties properties = new GatewayProperties();
        properties.setDataDir(dir);
        properties.getBroker().setConfigFile("no-such-broker.xml");
        properties.getBroker().setUrl("(tcp://a:61616,tcp://b:61616)?ha=true&trustStorePassword=secret");

        LocalChecks.Configuration configuration = LocalChecks.configuration(properties, Path.of("/nonexistent-tmp"));

        assertThat(configuration.result().status()).as(configuration.result().detail()).isEqualTo(Status.OK);
        assertThat(configuration.result().detail()).endsWith("; external broker (tcp://a:61616,tcp://b:61616)?…")
            .doesNotContain("secret");
        assertThat(configuration.broker()).isNull();
    }
}

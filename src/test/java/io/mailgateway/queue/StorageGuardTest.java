package io.mailgateway.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** gateway.disk.min-free: the threshold, the one-second cache and recovery, with a free-space reading the test sets. */
class StorageGuardTest {

    private static final long MB = 1024L * 1024;

    /** The file systems' answer, and how often they were asked. */
    private final AtomicLong free = new AtomicLong(800 * MB);
    private final AtomicInteger reads = new AtomicInteger();
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private IOException failure;

    private final StorageGuard guard = new StorageGuard(() -> {
        reads.incrementAndGet();
        if (failure != null) {
            throw failure;
        }
        return new StorageGuard.Reading("/data", free.get());
    }, 500 * MB, nanos::get);

    private void secondsPass(double seconds) {
        nanos.addAndGet((long) (seconds * 1_000_000_000L));
    }

    @Test
    void intakeIsAllowedAtOrAboveTheMinimumAndRefusedBelowIt() {
        assertThat(guard.intakeAllowed()).isTrue();

        free.set(500 * MB);
        secondsPass(1);
        assertThat(guard.intakeAllowed()).as("exactly the minimum is still enough").isTrue();

        free.set(500 * MB - 1);
        secondsPass(1);
        assertThat(guard.intakeAllowed()).isFalse();
        assertThat(guard.lastReading()).isEqualTo(new StorageGuard.Reading("/data", 500 * MB - 1));
    }

    @Test
    void aReadingIsUsedForOneSecondWhateverTheDiskDoesMeanwhile() {
        assertThat(guard.intakeAllowed()).isTrue();
        free.set(100 * MB);
        for (int i = 0; i < 1000; i++) {
            assertThat(guard.intakeAllowed()).isTrue();
            assertThat(guard.roomFor(0)).isTrue();
        }
        secondsPass(0.9);
        assertThat(guard.intakeAllowed()).isTrue();
        assertThat(reads).hasValue(1);

        secondsPass(0.1);
        assertThat(guard.intakeAllowed()).isFalse();
        assertThat(reads).hasValue(2);
    }

    @Test
    void intakeResumesByItselfOnceSpaceReturns() {
        free.set(120 * MB);
        assertThat(guard.intakeAllowed()).isFalse();
        secondsPass(5);
        assertThat(guard.intakeAllowed()).as("nothing changed yet").isFalse();

        free.set(2048 * MB);
        secondsPass(1);
        assertThat(guard.intakeAllowed()).isTrue();
        assertThat(guard.roomFor(25 * MB)).isTrue();
    }

    @Test
    void aDeclaredSizeMustLeaveTheMinimumFree() {
        free.set(600 * MB);

        assertThat(guard.roomFor(0)).isTrue();
        assertThat(guard.roomFor(100 * MB)).as("leaves exactly the minimum").isTrue();
        assertThat(guard.roomFor(100 * MB + 1)).isFalse();
        assertThat(guard.intakeAllowed()).as("a mail without SIZE is still taken").isTrue();
    }

    @Test
    void noSizeFitsWhileBelowTheMinimum() {
        free.set(499 * MB);

        assertThat(guard.roomFor(0)).isFalse();
    }

    @Test
    void aReadingThatFailsLeavesIntakeOpenAndIsRetriedAfterASecond() {
        failure = new IOException("stale NFS handle");

        assertThat(guard.intakeAllowed()).isTrue();
        assertThat(guard.roomFor(10 * MB)).isTrue();
        assertThat(guard.lastReading()).isNull();
        assertThat(guard.intakeAllowed()).isTrue();
        assertThat(reads).as("a failing file system is not asked on every call either").hasValue(1);

        failure = null;
        free.set(10 * MB);
        secondsPass(1);
        assertThat(guard.intakeAllowed()).isFalse();
    }

    @Test
    void sizesInTheLogAreFineEnoughToCompareWithTheMinimum() {
        assertThat(StorageGuard.size(512 * 1024)).isEqualTo("512 KB");
        assertThat(StorageGuard.size(120 * MB)).isEqualTo("120 MB");
        assertThat(StorageGuard.size(9000 * MB)).isEqualTo("9000 MB");
        assertThat(StorageGuard.size(80_300 * MB)).isEqualTo("78.42 GB");
    }

    @Test
    void theMinimumMustBePositive() {
        assertThatThrownBy(() -> new StorageGuard(() -> null, 0, System::nanoTime))
            .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void foldersOnOneFileSystemAreReadOnceAndNotYetCreatedOnesCountByTheirParent(@TempDir Path dir) throws IOException {
        Path data = Files.createDirectories(dir.resolve("data"));
        StorageGuard.FolderSpace space = new StorageGuard.FolderSpace(
            List.of(data, data.resolve("broker/journal"), data.resolve("spool")));

        StorageGuard.Reading reading = space.read();

        assertThat(reading.where()).isEqualTo(data.toString());
        assertThat(reading.usableBytes()).isPositive()
            .isCloseTo(Files.getFileStore(dir).getUsableSpace(), org.assertj.core.data.Offset.offset(512 * MB));
    }
}

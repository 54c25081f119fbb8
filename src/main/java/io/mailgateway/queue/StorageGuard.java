package io.mailgateway.queue;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether there is room for new mail now: the usable space of the file systems that hold queued mail (the
 * broker journal and its large messages, the spool) against {@code gateway.disk.min-free}, like Postfix's
 * queue_minfree. Every intake asks before it takes a mail; below the minimum SMTP answers 452 4.3.1 and the
 * pickup and JMS intakes leave their mail where it is. It only ever refuses new mail: delivery, which frees
 * space, never asks.
 *
 * <p>Cheap to ask: the reading is taken at most once per {@link #REFRESH} and shared by all threads. Crossing
 * the minimum is logged once each way (WARN below, INFO when space returns), not per refused mail. A reading
 * that fails (the folder vanished, a network file system hangs up) does not stop intake: the broker's own
 * disk limit, set below this one, still protects the journal.
 */
public final class StorageGuard {

    /** How long one reading of the free space is used before the file systems are asked again. */
    public static final Duration REFRESH = Duration.ofSeconds(1);

    private static final Logger log = LoggerFactory.getLogger(StorageGuard.class);

    /**
     * One reading: the lowest usable space among the file systems watched, and where that is.
     *
     * @param where the folder the reading is for (the first watched one on that file system)
     */
    public record Reading(String where, long usableBytes) {
    }

    /** Takes a reading now; slow (a system call per file system), hence cached by the guard. */
    @FunctionalInterface
    public interface FreeSpace {
        Reading read() throws IOException;
    }

    private final FreeSpace freeSpace;
    private final long minFreeBytes;
    private final LongSupplier nanoTime;

    /** What was read last, whether that is below the minimum, and when (null: never read yet). */
    private record State(Reading reading, boolean below, long readAt, boolean failing) {
    }

    private final Object lock = new Object();
    private volatile State state;

    /**
     * @param nanoTime {@link System#nanoTime}, or a test's clock
     */
    public StorageGuard(FreeSpace freeSpace, long minFreeBytes, LongSupplier nanoTime) {
        if (minFreeBytes <= 0) {
            throw new IllegalArgumentException("minFreeBytes must be positive: " + minFreeBytes);
        }
        this.freeSpace = freeSpace;
        this.minFreeBytes = minFreeBytes;
        this.nanoTime = nanoTime;
    }

    /** A guard over the file systems holding {@code folders} (the same file system counts once). */
    public static StorageGuard forFolders(List<Path> folders, long minFreeBytes) {
        return new StorageGuard(new FolderSpace(folders), minFreeBytes, System::nanoTime);
    }

    /** False while free space is below the minimum: new mail is refused, intakes pause. */
    public boolean intakeAllowed() {
        return !current().below();
    }

    /**
     * Whether a mail of {@code bytes} (a SIZE declared at MAIL FROM) can be taken without bringing free space
     * below the minimum (RFC 1870 §6.1: 452 when it cannot be taken now).
     */
    public boolean roomFor(long bytes) {
        State now = current();
        if (now.below()) {
            return false;
        }
        // a state that is not failing always has a reading
        return now.failing() || now.reading().usableBytes() - Math.max(0, bytes) >= minFreeBytes;
    }

    /** The latest successful reading, or null before the first one. */
    public Reading lastReading() {
        return current().reading();
    }

    public long minFreeBytes() {
        return minFreeBytes;
    }

    private State current() {
        State known = state;
        if (known != null && nanoTime.getAsLong() - known.readAt() < REFRESH.toNanos()) {
            return known;
        }
        synchronized (lock) {
            known = state;
            long now = nanoTime.getAsLong();
            if (known != null && now - known.readAt() < REFRESH.toNanos()) {
                return known; // another thread read it meanwhile
            }
            state = read(known, now);
            return state;
        }
    }

    private State read(State known, long now) {
        Reading previous = known == null ? null : known.reading();
        boolean wasBelow = known != null && known.below();
        boolean wasFailing = known != null && known.failing();
        Reading reading;
        try {
            reading = freeSpace.read();
        } catch (IOException | RuntimeException e) {
            if (!wasFailing) {
                log.warn("[disk] cannot read the free space: {}; intake is not limited by gateway.disk.min-free"
                    + " until a reading succeeds", e.toString());
            }
            return new State(previous, false, now, true);
        }
        if (wasFailing) {
            log.info("[disk] free space can be read again: {} on {}", size(reading.usableBytes()), reading.where());
        }
        boolean below = reading.usableBytes() < minFreeBytes;
        if (below && !wasBelow) {
            log.warn("[disk] free space on {} is {}, below gateway.disk.min-free {}: new mail is refused with"
                + " 452 4.3.1 and the pickup and JMS intakes pause until space returns", reading.where(),
                size(reading.usableBytes()), size(minFreeBytes));
        } else if (!below && wasBelow) {
            log.info("[disk] free space on {} is {} again, at least gateway.disk.min-free {}: intake resumes",
                reading.where(), size(reading.usableBytes()), size(minFreeBytes));
        }
        return new State(reading, below, now, false);
    }

    /** 120 MB, 1500 MB, 78.42 GB: what an operator reads, precise enough to compare a reading with the minimum. */
    static String size(long bytes) {
        if (bytes < 1024L * 1024) {
            return bytes / 1024 + " KB";
        }
        if (bytes < 10L * 1024 * 1024 * 1024) {
            return bytes / (1024 * 1024) + " MB";
        }
        return String.format(Locale.ROOT, "%.2f GB", bytes / (1024.0 * 1024 * 1024));
    }

    /**
     * The usable space of the file systems holding some folders; a folder not created yet counts by its
     * nearest existing parent (the broker creates its folders after the guard exists). Folders are resolved
     * to their file system at each reading, so a data folder mounted or moved later is followed.
     */
    static final class FolderSpace implements FreeSpace {

        private final List<Path> folders;

        FolderSpace(List<Path> folders) {
            this.folders = folders.stream().map(p -> p.toAbsolutePath().normalize()).toList();
        }

        @Override
        public Reading read() throws IOException {
            List<FileStore> seen = new ArrayList<>();
            Reading lowest = null;
            for (Path folder : folders) {
                Path existing = existingAncestor(folder);
                if (existing == null) {
                    continue;
                }
                FileStore store = Files.getFileStore(existing);
                if (seen.contains(store)) {
                    continue;
                }
                seen.add(store);
                long usable = store.getUsableSpace();
                if (lowest == null || usable < lowest.usableBytes()) {
                    lowest = new Reading(folder.toString(), usable);
                }
            }
            if (lowest == null) {
                throw new IOException("none of " + folders + " or their parents exists");
            }
            return lowest;
        }

        private static Path existingAncestor(Path folder) {
            for (Path p = folder; p != null; p = p.getParent()) {
                if (Files.isDirectory(p)) {
                    return p;
                }
            }
            return null;
        }
    }
}

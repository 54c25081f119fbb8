package io.mailgateway.smtp.auth;

import io.mailgateway.config.GatewayProperties;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Objects;

/**
 * Counts failed AUTH attempts per client and blocks a client that fails too often, like Postfix's anvil or
 * fail2ban but in memory.
 *
 * <p>A client that reaches {@code maxFailures} failures within the sliding {@code failureWindow} should be
 * disconnected ({@link #shouldDisconnect}) and stays blocked ({@link #isBlocked}) for {@code blockDuration}.
 * Starting a block uses up the failures that caused it, so after the block the client has a fresh allowance.
 *
 * <p>A client is an IPv4 address, or an IPv6 /64 prefix: one IPv6 subscriber usually gets a whole /64, and
 * counting single IPv6 addresses would let it retry from 2^64 addresses. The IPv4-mapped form
 * {@code ::ffff:a.b.c.d} counts as the IPv4 address.
 *
 * <p>Memory is bounded: clients with neither failures in the window nor an active block are forgotten, and at
 * most {@code maxTrackedClients} (100,000 by default, a few tens of megabytes) are kept; beyond that the
 * client that failed longest ago is forgotten first. Thread-safe.
 */
public final class AuthFailureThrottle {

    static final int DEFAULT_MAX_TRACKED_CLIENTS = 100_000;
    // Expired clients are dropped by a full scan when a new client arrives: once a minute normally, and at most
    // once a second when the map is full, so a spray of new addresses cannot make every failure cost O(clients).
    private static final long PURGE_INTERVAL_MILLIS = 60_000;
    private static final long FULL_PURGE_INTERVAL_MILLIS = 1_000;

    private final int maxFailures;
    private final long windowMillis;
    private final long blockMillis;
    private final Clock clock;
    private final int maxTrackedClients;
    /** Insertion order = order of the latest failure: a failure re-inserts its client at the end. */
    private final LinkedHashMap<Client, Entry> clients = new LinkedHashMap<>();
    private long lastPurgeMillis;

    /** The throttle configured by {@code gateway.smtp.auth.*}. */
    public AuthFailureThrottle(GatewayProperties.Auth settings, Clock clock) {
        this(settings.getMaxFailures(), settings.getFailureWindow(), settings.getBlockDuration(), clock);
    }

    public AuthFailureThrottle(int maxFailures, Duration failureWindow, Duration blockDuration, Clock clock) {
        this(maxFailures, failureWindow, blockDuration, clock, DEFAULT_MAX_TRACKED_CLIENTS);
    }

    AuthFailureThrottle(int maxFailures, Duration failureWindow, Duration blockDuration, Clock clock,
                        int maxTrackedClients) {
        if (maxFailures < 1) {
            throw new IllegalArgumentException("maxFailures must be at least 1");
        }
        if (failureWindow.isNegative() || failureWindow.isZero() || blockDuration.isNegative()) {
            throw new IllegalArgumentException("failureWindow must be positive and blockDuration not negative");
        }
        if (maxTrackedClients < 1) {
            throw new IllegalArgumentException("maxTrackedClients must be at least 1");
        }
        this.maxFailures = maxFailures;
        this.windowMillis = failureWindow.toMillis();
        this.blockMillis = blockDuration.toMillis();
        this.clock = Objects.requireNonNull(clock, "clock");
        this.maxTrackedClients = maxTrackedClients;
        this.lastPurgeMillis = clock.millis();
    }

    /** Counts one failed AUTH attempt; reaching the limit starts (or renews) a block. */
    public synchronized void recordFailure(InetAddress address) {
        long now = clock.millis();
        Client client = Client.of(address);
        Entry entry = clients.remove(client);
        if (entry == null) {
            makeRoom(now);
            entry = new Entry();
        }
        entry.addFailure(now, maxFailures);
        if (entry.failuresSince(now - windowMillis) >= maxFailures) {
            entry.blockedUntil = Math.max(entry.blockedUntil, saturatedAdd(now, blockMillis));
            entry.clearFailures();
        }
        clients.put(client, entry);
    }

    /**
     * Whether the session should end now (421): the client reached {@code maxFailures} failures within the
     * window, which also means it is blocked.
     */
    public synchronized boolean shouldDisconnect(InetAddress address) {
        long now = clock.millis();
        Entry entry = clients.get(Client.of(address));
        return entry != null && (entry.blockedUntil > now || entry.failuresSince(now - windowMillis) >= maxFailures);
    }

    /** Whether new connections from this client are refused (421 4.7.0 at connect) for now. */
    public synchronized boolean isBlocked(InetAddress address) {
        Entry entry = clients.get(Client.of(address));
        return entry != null && entry.blockedUntil > clock.millis();
    }

    /**
     * Forgets the client's failures after a successful AUTH (a user who mistyped once is not held to them). An
     * active block stays: a success from a client that is still connected does not lift it.
     */
    public synchronized void recordSuccess(InetAddress address) {
        Client client = Client.of(address);
        Entry entry = clients.get(client);
        if (entry == null) {
            return;
        }
        entry.clearFailures();
        if (entry.blockedUntil <= clock.millis()) {
            clients.remove(client);
        }
    }

    /** How many clients are remembered now (for tests and metrics). */
    synchronized int trackedClients() {
        return clients.size();
    }

    private void makeRoom(long now) {
        long sinceLastPurge = now - lastPurgeMillis;
        boolean full = clients.size() >= maxTrackedClients;
        if (sinceLastPurge < 0 || sinceLastPurge >= (full ? FULL_PURGE_INTERVAL_MILLIS : PURGE_INTERVAL_MILLIS)) {
            lastPurgeMillis = now;
            long windowStart = now - windowMillis;
            clients.values().removeIf(entry -> entry.blockedUntil <= now && entry.failuresSince(windowStart) == 0);
        }
        Iterator<Entry> oldestFirst = clients.values().iterator();
        while (clients.size() >= maxTrackedClients && oldestFirst.hasNext()) {
            oldestFirst.next();
            oldestFirst.remove();
        }
    }

    private static long saturatedAdd(long a, long b) {
        long sum = a + b;
        return ((a ^ sum) & (b ^ sum)) < 0 ? Long.MAX_VALUE : sum;
    }

    /** A client as counted: an IPv4 address, or the /64 prefix of an IPv6 address. */
    private record Client(boolean ipv6, long bits) {

        static Client of(InetAddress address) {
            byte[] bytes = Objects.requireNonNull(address, "address").getAddress();
            long bits = 0;
            int significant = address instanceof Inet4Address ? 4 : 8;
            for (int i = 0; i < significant; i++) {
                bits = (bits << 8) | (bytes[i] & 0xFF);
            }
            return new Client(significant == 8, bits);
        }
    }

    /** One client's recent failure times (a ring of at most maxFailures) and block end. */
    private static final class Entry {

        private long[] failures = new long[1];
        private int count;
        private int next;
        private long blockedUntil = Long.MIN_VALUE;

        void addFailure(long now, int capacity) {
            if (count == failures.length && failures.length < capacity) {
                // grow in order (oldest first) so the ring index stays simple; sizes stay small for typical limits
                long[] grown = new long[Math.min(capacity, failures.length * 2)];
                for (int i = 0; i < count; i++) {
                    grown[i] = failures[(next + i) % failures.length];
                }
                failures = grown;
                next = count;
            }
            failures[next] = now;
            next = (next + 1) % failures.length;
            count = Math.min(count + 1, failures.length);
        }

        int failuresSince(long windowStart) {
            int inWindow = 0;
            for (int i = 0; i < count; i++) {
                if (failures[i] > windowStart) {
                    inWindow++;
                }
            }
            return inWindow;
        }

        void clearFailures() {
            failures = new long[1];
            count = 0;
            next = 0;
        }
    }
}

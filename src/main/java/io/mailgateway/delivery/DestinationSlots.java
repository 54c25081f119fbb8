package io.mailgateway.delivery;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * How many deliveries each next hop has in progress, at most {@code limit} per next hop, like Postfix's
 * default_destination_concurrency_limit: a slow smart host (or MX domain) holds at most its share of the
 * delivery threads, and the others keep delivering to everyone else (issue 9).
 *
 * <p>A delivery takes a slot of its next hop before it uses a connection and gives it back when it is done,
 * whatever happened ({@link #deliver}). When the next hop is full, the thread waits up to {@link #WAIT} for a
 * slot: behind a next hop that answers in milliseconds one frees long before that, so a backlog for the one
 * smart host most installations have runs at the limit with nothing put back. When none frees in time (a slow
 * next hop), the recipients for that hop are put back into the queue the way a rate limit holds mail back:
 * postponed, shown as deferred with the reason, no attempt counted, nothing refused; the thread goes on with
 * other mail, and the same mail's recipients for other next hops are delivered now.
 *
 * <p>Mail put back for one next hop comes back in rounds, one a second, each of as many mails as the next
 * hop finished in the last second, at least {@code limit}: the first round after 1-2 s, the next after 2-3 s,
 * and so on (each mail with up to 1 s of jitter, so that they do not arrive together). However much waits,
 * a full next hop is asked again about as often as it can take mail, and a slow one about {@code limit}
 * times a second, each costing one thread at most {@link #WAIT}: no mail spins through the queue, and
 * Artemis, which puts a scheduled message that comes due at the head of the queue, never has more than a
 * round of them in front of the other mail. A mail that comes back to a next hop still full goes to the end
 * of the line.
 *
 * <p>Why not another design. A JMS selector per next hop cannot skip a busy one: a mail's next hops are
 * decided per recipient by gateway.delivery.routes (one mail can have several), which no message property
 * can say ahead of time, and the selector would have to change with the load. Waiting for a slot without
 * limit would hold one thread per waiting mail: the starvation this removes. A rollback would count an
 * attempt and give the broker's redelivery delay to every mail. Per-next-hop queues in memory with a
 * dispatcher, as Postfix's qmgr has, would take mail out of the JMS transaction that commits only after the
 * next hop's 250. The price of putting back: mail waiting for the same next hop is not served in arrival
 * order, and after a long stall of a next hop with a large backlog the mail put back during the stall
 * returns at the pace of the stall, about {@code limit} a second, even if the next hop could take more by
 * then (new mail for it goes at once).
 *
 * <p>In memory, shared by the delivery threads; thread-safe.
 */
public final class DestinationSlots {

    /** How long a delivery waits for a full next hop before its recipients are put back. */
    static final Duration WAIT = Duration.ofMillis(250);
    /** Mail put back comes back after a number of rounds of this length, plus up to {@link #JITTER}. */
    static final Duration ROUND = Duration.ofSeconds(1);
    static final Duration JITTER = Duration.ofSeconds(1);

    private final Duration wait;
    private final Clock clock;
    private final RandomGenerator random;
    /**
     * By next hop, while a slot is held, mail put back is not yet due again, or a delivery finished within the
     * last round. Guarded by this.
     */
    private final Map<String, Destination> destinations = new HashMap<>();

    private static final class Destination {
        int inUse;
        /** When the mail put back is due again, earliest first. */
        final PriorityQueue<Instant> dueBack = new PriorityQueue<>();
        /** When deliveries finished within the last round: how much the next hop takes per round now. */
        final Deque<Instant> finished = new ArrayDeque<>();

        void forget(Instant now) {
            while (!dueBack.isEmpty() && !dueBack.peek().isAfter(now)) {
                dueBack.poll();
            }
            while (!finished.isEmpty() && !finished.peekFirst().plus(ROUND).isAfter(now)) {
                finished.pollFirst();
            }
        }
    }

    private record PutBack(String reason, Instant notBefore) {
    }

    public DestinationSlots(Clock clock) {
        this(WAIT, clock, new SplittableRandom());
    }

    DestinationSlots(Duration wait, Clock clock, RandomGenerator random) {
        this.wait = wait;
        this.clock = clock;
        this.random = random;
    }

    /**
     * Runs {@code delivery} holding one of the {@code limit} slots of {@code destination}, and gives the slot
     * back when it returns or throws. When no slot frees within the wait, {@code delivery} does not run and
     * every recipient is postponed: "waiting for a free connection to DESTINATION (N of N in use)", due again
     * at the time the rounds above give.
     *
     * @param destination the next hop as an operator reads it, e.g. {@code smart host 'slow'}; also its key
     * @param recipients the recipients {@code delivery} is for
     */
    public DeliveryReport deliver(String destination, int limit, List<String> recipients,
                                  Supplier<DeliveryReport> delivery) {
        PutBack putBack = take(destination, limit);
        if (putBack != null) {
            return new DeliveryReport(recipients.stream()
                .map(r -> RecipientResult.postponed(r, putBack.reason(), putBack.notBefore())).toList());
        }
        try {
            return delivery.get();
        } finally {
            release(destination);
        }
    }

    /** Deliveries to {@code destination} in progress now; for tests. */
    synchronized int inUse(String destination) {
        Destination d = destinations.get(destination);
        return d == null ? 0 : d.inUse;
    }

    /** Null when a slot was taken, else why and until when the recipients are put back. */
    private synchronized PutBack take(String destination, int limit) {
        long deadline = System.nanoTime() + wait.toNanos();
        boolean interrupted = false;
        try {
            while (true) {
                // looked up again after each wait: a release may have dropped the entry meanwhile
                Destination d = destinations.computeIfAbsent(destination, k -> new Destination());
                if (d.inUse < limit) {
                    d.inUse++;
                    return null;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return putBack(destination, d, limit);
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(this, left);
                } catch (InterruptedException e) {
                    // shutting down: no more waiting, but the mail is still put back properly
                    interrupted = true;
                    deadline = System.nanoTime();
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private PutBack putBack(String destination, Destination d, int limit) {
        Instant now = clock.instant();
        d.forget(now);
        long rounds = 1 + d.dueBack.size() / Math.max(limit, d.finished.size());
        Instant notBefore = now.plus(ROUND.multipliedBy(rounds)).plusMillis(random.nextLong(JITTER.toMillis() + 1));
        d.dueBack.add(notBefore);
        return new PutBack("waiting for a free connection to " + destination + " (" + d.inUse + " of " + limit
            + " in use)", notBefore);
    }

    private synchronized void release(String destination) {
        Destination d = destinations.get(destination);
        d.inUse--;
        Instant now = clock.instant();
        d.finished.addLast(now);
        // every next hop with nothing left to remember goes, not only this one: in MX delivery each domain
        // is a next hop, and most are never seen again
        destinations.values().removeIf(other -> {
            other.forget(now);
            return other.inUse == 0 && other.dueBack.isEmpty() && other.finished.isEmpty();
        });
        notifyAll();
    }
}

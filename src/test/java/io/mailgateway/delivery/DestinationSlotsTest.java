package io.mailgateway.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mailgateway.testing.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class DestinationSlotsTest {

    private static final String SLOW = "smart host 'slow'";
    private static final String FAST = "smart host 'fast'";

    private final TestClock clock = new TestClock();
    /** No waiting for a slot: a full next hop puts the mail back at once. */
    private final DestinationSlots slots = new DestinationSlots(Duration.ZERO, clock, new SplittableRandom(9));

    @Test
    void aNextHopTakesUpToItsLimitAtOnceAndTheNextMailWaitsInTheQueue() {
        AtomicBoolean ran = new AtomicBoolean();
        DeliveryReport third = whileHeld(SLOW, 2, 2, () -> slots.deliver(SLOW, 2, List.of("c@slow.example", "d@slow.example"),
            () -> {
                ran.set(true);
                return delivered("c@slow.example", "d@slow.example");
            }));

        assertThat(ran).isFalse();
        assertThat(third.results()).hasSize(2).allSatisfy(result -> {
            assertThat(result.status()).isEqualTo(RecipientResult.Status.DEFERRED);
            assertThat(result.postponed()).as("not an attempt").isTrue();
            assertThat(result.reply()).isEqualTo("waiting for a free connection to smart host 'slow' (2 of 2 in use)");
            assertThat(result.notBefore()).isBetween(clock.instant().plusSeconds(1), clock.instant().plusSeconds(2));
        });
        assertThat(third.results()).extracting(RecipientResult::recipient).containsExactly("c@slow.example", "d@slow.example");
    }

    @Test
    void eachNextHopHasItsOwnLimit() {
        DeliveryReport fast = whileHeld(SLOW, 2, 2, () -> slots.deliver(FAST, 2, List.of("a@example.net"),
            () -> delivered("a@example.net")));

        assertThat(fast.results()).singleElement().extracting(RecipientResult::status).isEqualTo(RecipientResult.Status.DELIVERED);
    }

    @Test
    void theSlotIsGivenBackWhenTheDeliveryIsDone() {
        whileHeld(SLOW, 1, 1, () -> {
            assertThat(slots.inUse(SLOW)).isEqualTo(1);
            return null;
        });

        assertThat(slots.inUse(SLOW)).isZero();
        assertThat(slots.deliver(SLOW, 1, List.of("b@slow.example"), () -> delivered("b@slow.example")).results())
            .singleElement().extracting(RecipientResult::status).isEqualTo(RecipientResult.Status.DELIVERED);
    }

    @Test
    void theSlotIsGivenBackWhenTheDeliveryThrows() {
        assertThatThrownBy(() -> slots.deliver(SLOW, 1, List.of("a@slow.example"), () -> {
            throw new IllegalStateException("a bug in a transport");
        })).hasMessage("a bug in a transport");

        assertThat(slots.inUse(SLOW)).isZero();
        assertThat(slots.deliver(SLOW, 1, List.of("b@slow.example"), () -> delivered("b@slow.example")).results())
            .singleElement().extracting(RecipientResult::status).isEqualTo(RecipientResult.Status.DELIVERED);
    }

    @Test
    void mailPutBackComesBackInRoundsOfTheLimitSoAFullNextHopIsNotAskedAgainAllAtOnce() {
        Instant now = clock.instant();
        List<Instant> back = whileHeld(SLOW, 2, 2, () -> java.util.stream.IntStream.range(0, 5)
            .mapToObj(i -> slots.deliver(SLOW, 2, List.of("w" + i + "@slow.example"), () -> delivered("never"))
                .results().get(0).notBefore())
            .toList());

        assertThat(back.subList(0, 2)).allSatisfy(t -> assertThat(t).isBetween(now.plusSeconds(1), now.plusSeconds(2)));
        assertThat(back.subList(2, 4)).allSatisfy(t -> assertThat(t).isBetween(now.plusSeconds(2), now.plusSeconds(3)));
        assertThat(back.get(4)).isBetween(now.plusSeconds(3), now.plusSeconds(4));
    }

    @Test
    void aNextHopThatFinishesMoreThanItsLimitInASecondGetsItsMailBackInLargerRounds() {
        for (int i = 0; i < 4; i++) {
            slots.deliver(FAST, 1, List.of("d" + i + "@example.net"), () -> delivered("d@example.net"));
        }
        Instant now = clock.instant();
        List<Instant> back = whileHeld(FAST, 1, 1, () -> java.util.stream.IntStream.range(0, 4)
            .mapToObj(i -> slots.deliver(FAST, 1, List.of("w" + i + "@example.net"), () -> delivered("never"))
                .results().get(0).notBefore())
            .toList());
        assertThat(back).allSatisfy(t -> assertThat(t).isBetween(now.plusSeconds(1), now.plusSeconds(2)));

        // a second later that pace is forgotten: back to rounds of the limit
        clock.advance(Duration.ofSeconds(3));
        Instant later = clock.instant();
        List<Instant> slower = whileHeld(FAST, 1, 1, () -> java.util.stream.IntStream.range(0, 2)
            .mapToObj(i -> slots.deliver(FAST, 1, List.of("v" + i + "@example.net"), () -> delivered("never"))
                .results().get(0).notBefore())
            .toList());
        assertThat(slower.get(0)).isBetween(later.plusSeconds(1), later.plusSeconds(2));
        assertThat(slower.get(1)).isBetween(later.plusSeconds(2), later.plusSeconds(3));
    }

    @Test
    void mailThatIsDueAgainNoLongerCountsAsWaiting() {
        whileHeld(SLOW, 1, 1, () -> {
            for (int i = 0; i < 3; i++) {
                slots.deliver(SLOW, 1, List.of("w" + i + "@slow.example"), () -> delivered("never"));
            }
            clock.advance(Duration.ofSeconds(10));
            Instant back = slots.deliver(SLOW, 1, List.of("late@slow.example"), () -> delivered("never"))
                .results().get(0).notBefore();
            assertThat(back).isBetween(clock.instant().plusSeconds(1), clock.instant().plusSeconds(2));
            return null;
        });
    }

    @Test
    void aDeliveryWaitsBrieflyForASlotAndTakesTheOneFreedMeanwhile() throws Exception {
        DestinationSlots waiting = new DestinationSlots(Duration.ofSeconds(30), clock, new SplittableRandom(9));
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch finish = new CountDownLatch(1);
        CompletableFuture<DeliveryReport> first = CompletableFuture.supplyAsync(() ->
            waiting.deliver(SLOW, 1, List.of("a@slow.example"), () -> {
                holding.countDown();
                await(finish);
                return delivered("a@slow.example");
            }));
        assertThat(holding.await(30, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<DeliveryReport> second = CompletableFuture.supplyAsync(() ->
            waiting.deliver(SLOW, 1, List.of("b@slow.example"), () -> delivered("b@slow.example")));

        Thread.sleep(200);
        assertThat(second).as("waits while the slot is held").isNotDone();
        finish.countDown();

        assertThat(first.get(30, TimeUnit.SECONDS).results()).singleElement()
            .extracting(RecipientResult::status).isEqualTo(RecipientResult.Status.DELIVERED);
        assertThat(second.get(30, TimeUnit.SECONDS).results()).singleElement()
            .extracting(RecipientResult::status).isEqualTo(RecipientResult.Status.DELIVERED);
        assertThat(waiting.inUse(SLOW)).isZero();
    }

    /** Runs {@code then} while {@code count} deliveries to {@code destination} each hold one of its slots. */
    private <T> T whileHeld(String destination, int count, int limit, Supplier<T> then) {
        if (count == 0) {
            return then.get();
        }
        AtomicReference<T> result = new AtomicReference<>();
        DeliveryReport held = slots.deliver(destination, limit, List.of("held" + count + "@example.org"), () -> {
            result.set(whileHeld(destination, count - 1, limit, then));
            return delivered("held" + count + "@example.org");
        });
        assertThat(held.results().get(0).postponed()).as("the held delivery got its slot").isFalse();
        return result.get();
    }

    private static DeliveryReport delivered(String... recipients) {
        return DeliveryReport.all(List.of(recipients), RecipientResult.Status.DELIVERED, "250 2.0.0 Ok");
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

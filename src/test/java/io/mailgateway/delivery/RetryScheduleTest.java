package io.mailgateway.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RetryScheduleTest {

    private final RetrySchedule schedule =
        new RetrySchedule(Duration.ofMinutes(5), Duration.ofHours(1), Duration.ofDays(5));

    @Test
    void delayDoublesFromTheInitialDelayUpToTheMaximum() {
        assertThat(schedule.delayAfter(1)).isEqualTo(Duration.ofMinutes(5));
        assertThat(schedule.delayAfter(2)).isEqualTo(Duration.ofMinutes(10));
        assertThat(schedule.delayAfter(3)).isEqualTo(Duration.ofMinutes(20));
        assertThat(schedule.delayAfter(4)).isEqualTo(Duration.ofMinutes(40));
        assertThat(schedule.delayAfter(5)).isEqualTo(Duration.ofMinutes(60));
        assertThat(schedule.delayAfter(6)).isEqualTo(Duration.ofMinutes(60));
    }

    @Test
    void delayStaysAtTheMaximumForVeryManyAttempts() {
        assertThat(schedule.delayAfter(1_000)).isEqualTo(Duration.ofHours(1));
        assertThat(schedule.delayAfter(Integer.MAX_VALUE)).isEqualTo(Duration.ofHours(1));
    }

    @Test
    void initialDelayLargerThanTheMaximumIsCappedAtTheMaximum() {
        RetrySchedule odd = new RetrySchedule(Duration.ofHours(2), Duration.ofHours(1), Duration.ofDays(1));

        assertThat(odd.delayAfter(1)).isEqualTo(Duration.ofHours(1));
    }

    @Test
    void mailIsNotExpiredJustBeforeItsLifetimeEnds() {
        Instant received = Instant.parse("2024-01-01T00:00:00Z");

        assertThat(schedule.expired(received, received)).isFalse();
        assertThat(schedule.expired(received, received.plus(Duration.ofDays(5)).minusMillis(1))).isFalse();
    }

    @Test
    void mailIsExpiredExactlyWhenItsLifetimeEndsAndAfter() {
        Instant received = Instant.parse("2024-01-01T00:00:00Z");

        assertThat(schedule.expired(received, received.plus(Duration.ofDays(5)))).isTrue();
        assertThat(schedule.expired(received, received.plus(Duration.ofDays(6)))).isTrue();
    }
}

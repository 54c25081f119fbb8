package io.mailgateway.delivery;

import java.time.Duration;
import java.time.Instant;

/**
 * When deferred mail is tried again, and when it is given up: exponential backoff from
 * {@code initial-delay}, doubling up to {@code max-delay}, until the mail is older than
 * {@code max-lifetime} (Postfix: minimal_backoff_time, maximal_backoff_time, maximal_queue_lifetime).
 */
public record RetrySchedule(Duration initialDelay, Duration maxDelay, Duration maxLifetime) {

    /** The wait after the {@code attemptsMade}-th failed attempt (1 = the first). */
    public Duration delayAfter(int attemptsMade) {
        Duration delay = initialDelay;
        for (int i = 1; i < attemptsMade && delay.compareTo(maxDelay) < 0; i++) {
            delay = delay.multipliedBy(2);
        }
        return delay.compareTo(maxDelay) > 0 ? maxDelay : delay;
    }

    /** Whether a mail received at {@code receivedAt} has been in the queue for its whole lifetime. */
    public boolean expired(Instant receivedAt, Instant now) {
        return !now.isBefore(receivedAt.plus(maxLifetime));
    }
}

package io.mailgateway.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class SendRateLimitTest {

    private static final Instant T0 = Instant.parse("2026-12-04T10:00:00Z");

    @Test
    void messagesBeyondTheLimitWaitUntilTheOldestLeavesTheWindow() {
        SendRateLimit limit = new SendRateLimit(3, Duration.ofMinutes(1), 0, Duration.ofDays(1));
        assertThat(limit.admit(1, T0).recipients()).isEqualTo(1);
        assertThat(limit.admit(5, T0.plusSeconds(10)).recipients()).isEqualTo(5);
        assertThat(limit.admit(1, T0.plusSeconds(20)).recipients()).isEqualTo(1);

        SendRateLimit.Admission held = limit.admit(1, T0.plusSeconds(30));
        assertThat(held.recipients()).isZero();
        assertThat(held.notBefore()).isEqualTo(T0.plusSeconds(60));
        assertThat(held.reason()).contains("rate limit of 3 messages per minute");

        // a held mail is not counted: at 60 s one slot is free again, and only one
        assertThat(limit.admit(1, T0.plusSeconds(60)).recipients()).isEqualTo(1);
        assertThat(limit.admit(1, T0.plusSeconds(61)).notBefore()).isEqualTo(T0.plusSeconds(70));
    }

    @Test
    void recipientsBeyondTheLimitAreAdmittedInPartAndTheRestWaits() {
        SendRateLimit limit = new SendRateLimit(0, Duration.ofMinutes(1), 10, Duration.ofDays(1));
        assertThat(limit.admit(8, T0).recipients()).isEqualTo(8);
        SendRateLimit.Admission part = limit.admit(5, T0.plusSeconds(1));
        assertThat(part.recipients()).isEqualTo(2);
        assertThat(part.notBefore()).isEqualTo(T0.plus(Duration.ofDays(1)));
        assertThat(part.reason()).contains("10 recipients per day");
        assertThat(limit.admit(1, T0.plusSeconds(2)).recipients()).isZero();
        assertThat(limit.admit(3, T0.plus(Duration.ofDays(1))).recipients()).isEqualTo(3);
    }

    @Test
    void noLimitAdmitsEverything() {
        SendRateLimit limit = new SendRateLimit(0, Duration.ofMinutes(1), 0, Duration.ofDays(1));
        assertThat(limit.limited()).isFalse();
        for (int i = 0; i < 1000; i++) {
            assertThat(limit.admit(100, T0).recipients()).isEqualTo(100);
        }
    }
}

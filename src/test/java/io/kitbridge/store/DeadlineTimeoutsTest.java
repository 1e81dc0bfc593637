package io.kitbridge.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Issue 19: DynamoDB call timeouts follow the invocation's remaining time. */
class DeadlineTimeoutsTest {
    private static final StoreTimeoutConfig DEFAULTS = new StoreTimeoutConfig() {
        @Override
        public Duration apiCallTimeout() {
            return Duration.ofSeconds(2);
        }

        @Override
        public Duration apiCallAttemptTimeout() {
            return Duration.ofSeconds(1);
        }

        @Override
        public Duration answerMargin() {
            return Duration.ofMillis(300);
        }

        @Override
        public Duration minimumTimeout() {
            return Duration.ofMillis(100);
        }
    };

    @Test
    void should_cap_a_call_at_the_configured_timeout_when_much_time_is_left() {
        // GIVEN / WHEN 8 s left  THEN the call gets 2 s, each attempt 1 s
        Duration[] t = DeadlineTimeouts.timeouts(8_000, DEFAULTS);
        assertEquals(Duration.ofSeconds(2), t[0]);
        assertEquals(Duration.ofSeconds(1), t[1]);
    }

    @Test
    void should_keep_the_answer_margin_when_the_invocation_is_nearly_over() {
        // GIVEN / WHEN 1.1 s left  THEN the call must end 300 ms before the deadline; at the end, the minimum
        assertEquals(Duration.ofMillis(800), DeadlineTimeouts.timeouts(1_100, DEFAULTS)[0]);
        assertEquals(Duration.ofMillis(800), DeadlineTimeouts.timeouts(1_100, DEFAULTS)[1]);
        assertEquals(Duration.ofMillis(100), DeadlineTimeouts.timeouts(-50, DEFAULTS)[0]);
    }
}

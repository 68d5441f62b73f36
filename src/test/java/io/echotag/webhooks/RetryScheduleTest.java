package io.echotag.webhooks;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Random;
import java.util.random.RandomGenerator;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("RetrySchedule (backoff with jitter, Retry-After)")
class RetryScheduleTest {
  static final RetryConfig CONFIG = new RetryConfig(20, 2, 1000, 30_000);
  static final double ALMOST_ONE = Math.nextDown(1.0);

  /** A generator whose nextDouble is always {@code value}. */
  static RandomGenerator fixed(double value) {
    return new RandomGenerator() {
      @Override
      public long nextLong() {
        throw new UnsupportedOperationException("only nextDouble is expected");
      }

      @Override
      public double nextDouble() {
        return value;
      }
    };
  }

  static double expected(int retry) {
    return Math.min(1000 * Math.pow(2, retry - 1), 30_000);
  }

  @Test
  @DisplayName("every draw of retries 1 to 12 lies within ±20 % of min(initial × 2^(n-1), max) and jitter really spreads")
  void jitterStaysWithinTwentyPercent() {
    Random random = new Random(20240601L);
    for (int retry = 1; retry <= 12; retry++) {
      double center = expected(retry);
      long low = Long.MAX_VALUE;
      long high = Long.MIN_VALUE;
      for (int draw = 0; draw < 5_000; draw++) {
        long delay = RetrySchedule.delayMs(CONFIG, retry, -1, random);
        assertThat((double) delay).as("retry %d", retry).isBetween(center * 0.8, center * 1.2);
        low = Math.min(low, delay);
        high = Math.max(high, delay);
      }
      assertThat((double) low).as("lowest draw of retry %d", retry).isLessThan(center * 0.85);
      assertThat((double) high).as("highest draw of retry %d", retry).isGreaterThan(center * 1.15);
    }
  }

  @Test
  @DisplayName("the centre of the n-th retry doubles from 1 s and stops at max_delay (1, 2, 4, 8, 16, 30, 30 s)")
  void centres() {
    long[] centres = {1000, 2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000};
    for (int retry = 1; retry <= centres.length; retry++) {
      assertThat(RetrySchedule.delayMs(CONFIG, retry, -1, fixed(0.5))).as("retry %d", retry)
          .isEqualTo(centres[retry - 1]);
    }
  }

  @Test
  @DisplayName("a generator at 0.0 hits the lower bound exactly: 80 % of the centre")
  void lowerBound() {
    for (int retry = 1; retry <= 10; retry++) {
      assertThat(RetrySchedule.delayMs(CONFIG, retry, -1, fixed(0.0))).as("retry %d", retry)
          .isEqualTo(Math.round(expected(retry) * 0.8));
    }
  }

  @Test
  @DisplayName("a generator at 0.999… reaches the upper bound, 120 % of the centre, and never goes past it")
  void upperBound() {
    for (int retry = 1; retry <= 10; retry++) {
      long delay = RetrySchedule.delayMs(CONFIG, retry, -1, fixed(ALMOST_ONE));
      assertThat(delay).as("retry %d", retry).isEqualTo(Math.round(expected(retry) * 1.2));
      assertThat((double) delay).as("retry %d", retry).isLessThanOrEqualTo(expected(retry) * 1.2);
    }
  }

  @Test
  @DisplayName("a very late retry number neither overflows nor exceeds max_delay + 20 %")
  void lateRetry() {
    assertThat(RetrySchedule.delayMs(CONFIG, 1_000, -1, fixed(0.5))).isEqualTo(30_000);
    assertThat(RetrySchedule.delayMs(CONFIG, Integer.MAX_VALUE, -1, fixed(ALMOST_ONE))).isEqualTo(36_000);
  }

  @Test
  @DisplayName("Retry-After replaces the computed delay, without jitter")
  void retryAfterReplaces() {
    assertThat(RetrySchedule.delayMs(CONFIG, 1, 5_000, fixed(0.0))).isEqualTo(5_000);
    assertThat(RetrySchedule.delayMs(CONFIG, 5, 5_000, fixed(ALMOST_ONE))).isEqualTo(5_000);
    assertThat(RetrySchedule.delayMs(CONFIG, 3, 0, fixed(0.5))).isZero();
  }

  @Test
  @DisplayName("Retry-After longer than max_delay is capped by max_delay")
  void retryAfterCapped() {
    assertThat(RetrySchedule.delayMs(CONFIG, 1, 120_000, fixed(0.5))).isEqualTo(30_000);
    assertThat(RetrySchedule.delayMs(CONFIG, 1, Long.MAX_VALUE, fixed(0.5))).isEqualTo(30_000);
    assertThat(RetrySchedule.delayMs(new RetryConfig(3, 2, 100, 500), 1, 3_600_000, fixed(0.5))).isEqualTo(500);
  }

  @Test
  @DisplayName("parseRetryAfter reads delta seconds as milliseconds")
  void parseSeconds() {
    assertThat(RetrySchedule.parseRetryAfter("120", 0)).isEqualTo(120_000);
    assertThat(RetrySchedule.parseRetryAfter("0", 0)).isZero();
    assertThat(RetrySchedule.parseRetryAfter(" 7 ", 0)).isEqualTo(7_000);
  }

  @Test
  @DisplayName("parseRetryAfter reads an HTTP date as the time left until then, and a past date as 0")
  void parseHttpDate() {
    long now = Instant.parse("2015-10-21T07:28:00Z").toEpochMilli();
    assertThat(RetrySchedule.parseRetryAfter("Wed, 21 Oct 2015 07:28:30 GMT", now)).isEqualTo(30_000);
    assertThat(RetrySchedule.parseRetryAfter("Wed, 21 Oct 2015 08:28:00 GMT", now)).isEqualTo(3_600_000);
    assertThat(RetrySchedule.parseRetryAfter("Wed, 21 Oct 2015 07:00:00 GMT", now)).isZero();
  }

  @Test
  @DisplayName("parseRetryAfter answers -1 (no Retry-After) for absent, blank, garbage and negative values")
  void parseUnreadable() {
    assertThat(RetrySchedule.parseRetryAfter(null, 0)).isEqualTo(-1);
    assertThat(RetrySchedule.parseRetryAfter("", 0)).isEqualTo(-1);
    assertThat(RetrySchedule.parseRetryAfter("   ", 0)).isEqualTo(-1);
    assertThat(RetrySchedule.parseRetryAfter("soon", 0)).isEqualTo(-1);
    assertThat(RetrySchedule.parseRetryAfter("1.5", 0)).isEqualTo(-1);
    assertThat(RetrySchedule.parseRetryAfter("2015-10-21T07:28:00Z", 0)).isEqualTo(-1);
    assertThat(RetrySchedule.parseRetryAfter("-5", 0)).isEqualTo(-1);
    assertThat(RetrySchedule.parseRetryAfter("-1", 0)).isEqualTo(-1);
  }

  @Test
  @DisplayName("an enormous Retry-After in seconds does not wrap around: it waits max_delay, not a few milliseconds")
  void enormousSecondsDoNotWrap() {
    // 18446744073709552 s × 1000 is 2^64 + 384: a wrapping multiplication gives 384 ms.
    for (String header : new String[] {"18446744073709552", "9223372036854775807", "9223372036854776"}) {
      long parsed = RetrySchedule.parseRetryAfter(header, 0);
      assertThat(parsed).as(header).isGreaterThanOrEqualTo(CONFIG.maxDelayMs());
      assertThat(RetrySchedule.delayMs(CONFIG, 1, parsed, fixed(0.5))).as(header).isEqualTo(30_000);
    }
  }
}

package io.echotag.common;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

class TimesTest {
  /** The API's format as the JDK writes it: what the hand-written path must match. */
  private static final DateTimeFormatter REFERENCE =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  @Test
  void formatsLikeTheJdkOverFourDigitYears() {
    SplittableRandom random = new SplittableRandom(20261128);
    long first = Instant.parse("0000-01-01T00:00:00Z").getEpochSecond();
    long last = Instant.parse("9999-12-31T23:59:59Z").getEpochSecond();
    for (int i = 0; i < 200_000; i++) {
      Instant instant = Instant.ofEpochSecond(random.nextLong(first, last + 1), random.nextInt(1_000_000_000));
      assertThat(Times.format(instant)).as("%s", instant).isEqualTo(REFERENCE.format(instant));
    }
  }

  @Test
  void formatsTheEdges() {
    for (String text : new String[] {"0000-01-01T00:00:00Z", "1969-12-31T23:59:59.999999999Z", "1970-01-01T00:00:00Z",
        "1970-01-01T00:00:00.000999Z", "2000-02-29T12:00:00.5Z", "2024-12-31T23:59:59.999Z",
        "9999-12-31T23:59:59.999999999Z"}) {
      Instant instant = Instant.parse(text);
      assertThat(Times.format(instant)).as(text).isEqualTo(REFERENCE.format(instant));
    }
    assertThat(Times.format(Instant.parse("1969-12-31T23:59:59.999Z"))).isEqualTo("1969-12-31T23:59:59.999Z");
    assertThat(Times.format(Instant.parse("2026-11-28T19:05:07.042Z"))).isEqualTo("2026-11-28T19:05:07.042Z");
  }

  @Test
  void yearsBeyondFourDigitsFallBackToTheJdk() {
    Instant late = Instant.parse("+10000-01-01T00:00:00Z");
    Instant early = Instant.parse("-0001-12-31T23:59:59.250Z");
    assertThat(Times.format(late)).isEqualTo(REFERENCE.format(late)).isEqualTo("+10000-01-01T00:00:00.000Z");
    assertThat(Times.format(early)).isEqualTo(REFERENCE.format(early)).isEqualTo("-0001-12-31T23:59:59.250Z");
  }

  @Test
  void formatsOffsetTimesInUtc() {
    OffsetDateTime paris = OffsetDateTime.parse("2026-03-29T03:30:00.123+02:00");
    assertThat(Times.format(paris)).isEqualTo("2026-03-29T01:30:00.123Z");
    assertThat(Times.format((Instant) null)).isNull();
  }
}

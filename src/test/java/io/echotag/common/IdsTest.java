package io.echotag.common;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Ids")
class IdsTest {
  static final String CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

  /** The milliseconds encoded in the first ten characters after the prefix. */
  static long timeOf(String id, String prefix) {
    long millis = 0;
    for (char c : id.substring(prefix.length() + 1, prefix.length() + 11).toCharArray()) {
      millis = millis * 32 + CROCKFORD.indexOf(c);
    }
    return millis;
  }

  @Test
  @DisplayName("an id is the prefix, an underscore and 26 Crockford base-32 characters")
  void shape() {
    for (String prefix : List.of("evt", "ses", "proj", "trig", "exec", "wh", "del", "tag", "int", "rep", "key")) {
      String id = Ids.next(prefix);
      assertThat(id).startsWith(prefix + "_").hasSize(prefix.length() + 1 + 26);
      assertThat(id.substring(prefix.length() + 1)).matches("[0-9A-HJKMNP-TV-Z]{26}");
    }
  }

  @Test
  @DisplayName("the first ten characters encode the creation time in milliseconds")
  void encodesTime() {
    long millis = Instant.parse("2025-01-27T10:15:30.123Z").toEpochMilli();
    assertThat(timeOf(Ids.next("evt", millis), "evt")).isEqualTo(millis);
    assertThat(timeOf(Ids.next("evt", 0), "evt")).isZero();

    long before = System.currentTimeMillis();
    String now = Ids.next("evt");
    long after = System.currentTimeMillis();
    assertThat(timeOf(now, "evt")).isBetween(before, after);
  }

  @Test
  @DisplayName("ids sort by creation time as plain strings, across every digit boundary")
  void sortableByTime() {
    long base = Instant.parse("2025-01-27T10:15:30.123Z").toEpochMilli();
    TreeSet<Long> times = new TreeSet<>();
    for (long step = 1; step < (1L << 45); step *= 32) {
      // just below, at and just past each base-32 digit boundary, plus a 1 ms step
      times.add(base + step - 1);
      times.add(base + step);
      times.add(base + step + 1);
    }
    times.add(base);
    times.add(31L);
    times.add(32L);
    List<String> ids = new ArrayList<>();
    for (long t : times) {
      ids.add(Ids.next("evt", t));
    }

    List<String> sorted = new ArrayList<>(ids);
    sorted.sort(null);
    assertThat(sorted).isEqualTo(ids);
  }

  @Test
  @DisplayName("a later millisecond always sorts after an earlier one, whatever the random part")
  void laterSortsAfter() {
    long t = 1_737_972_930_123L;
    for (int i = 0; i < 1000; i++) {
      assertThat(Ids.next("evt", t + 1)).isGreaterThan(Ids.next("evt", t));
    }
  }

  @Test
  @DisplayName("ids made in the same millisecond still differ (80 random bits)")
  void unique() {
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < 10_000; i++) {
      ids.add(Ids.next("evt", 1_737_972_930_123L));
    }
    assertThat(ids).hasSize(10_000);
  }
}

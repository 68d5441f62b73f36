package io.echotag.analytics;

import io.echotag.http.ApiError;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.ZoneId;
import java.util.EnumSet;

import static io.echotag.analytics.AnalyticsQuery.Interval.DAY;
import static io.echotag.analytics.AnalyticsQuery.Interval.HOUR;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Periods, buckets and the rollup rule, without a server (the clock is a parameter). */
class AnalyticsQueryTest {
  static final ZoneId PARIS = ZoneId.of("Europe/Paris");
  static final Instant NOW = Instant.parse("2026-10-26T10:17:00Z");

  static AnalyticsQuery period(String period, ZoneId zone, AnalyticsQuery.Interval interval) {
    return AnalyticsQuery.of(period, null, null, zone, interval, EnumSet.allOf(AnalyticsQuery.Metric.class), NOW);
  }

  @Test
  @DisplayName("7d in Paris: 7 local days ending today, the 25-hour 2026-10-25 among them, answered from rollups")
  void sevenDays() {
    AnalyticsQuery q = period("7d", PARIS, DAY);
    assertThat(q.start()).isEqualTo(Instant.parse("2026-10-19T22:00:00Z"));
    assertThat(q.end()).isEqualTo(Instant.parse("2026-10-26T23:00:00Z"));
    assertThat(q.buckets()).hasSize(7);
    assertThat(q.buckets().get(6)).isEqualTo(Instant.parse("2026-10-25T23:00:00Z"));
    assertThat(q.label(5)).isEqualTo("2026-10-25");
    assertThat(q.rollupsApply()).isTrue();
    assertThat(q.wholeUtcDays()).containsExactly(Instant.parse("2026-10-20T00:00:00Z"),
        Instant.parse("2026-10-26T00:00:00Z"));
  }

  @Test
  @DisplayName("24h by hour: the 24 local hours ending with the current one; today: the local day so far")
  void lastDayAndToday() {
    AnalyticsQuery day = period("24h", PARIS, HOUR);
    assertThat(day.end()).isEqualTo(Instant.parse("2026-10-26T11:00:00Z"));
    assertThat(day.buckets()).hasSize(24);
    assertThat(day.wholeUtcDays()).containsExactly(day.end(), day.end());
    AnalyticsQuery today = period("today", PARIS, HOUR);
    assertThat(today.start()).isEqualTo(Instant.parse("2026-10-25T23:00:00Z"));
    assertThat(today.buckets()).hasSize(24);
  }

  @Test
  @DisplayName("Asia/Kolkata's midnights are not whole UTC hours: the events answer")
  void halfHourZone() {
    AnalyticsQuery q = period("30d", ZoneId.of("Asia/Kolkata"), DAY);
    assertThat(q.start()).isEqualTo(Instant.parse("2026-09-26T18:30:00Z"));
    assertThat(q.rollupsApply()).isFalse();
  }

  @Test
  @DisplayName("custom needs start_date; end before start names end_date; an unknown period names period")
  void errors() {
    assertThatThrownBy(() -> period("custom", PARIS, DAY)).isInstanceOf(ApiError.class)
        .hasMessageContaining("start_date");
    assertThatThrownBy(() -> AnalyticsQuery.of(null, NOW, NOW, PARIS, DAY, EnumSet.noneOf(AnalyticsQuery.Metric.class),
        NOW)).isInstanceOf(ApiError.class).hasMessageContaining("end_date");
    assertThatThrownBy(() -> period("2w", PARIS, DAY)).isInstanceOf(ApiError.class).hasMessageContaining("period");
    assertThat(AnalyticsQuery.metrics("events, pages")).containsExactlyInAnyOrder(AnalyticsQuery.Metric.EVENTS,
        AnalyticsQuery.Metric.PAGES);
  }
}

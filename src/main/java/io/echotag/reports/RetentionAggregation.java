package io.echotag.reports;

import io.echotag.http.ApiError;
import io.echotag.reports.ReportDefinition.Interval;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;

/**
 * A {@code retention} report. A visitor's cohort is the day (or ISO week, from Monday) of its
 * first-ever event ({@code visitors.first_seen}) in the project's time zone; the report holds the
 * visitors first seen within the date range. {@code period_k} is the share, in percent, of the
 * cohort's visitors with at least one event passing the filters in the k-th period after the
 * cohort's own ({@code period_0} is 100 by definition). Every cohort of the range is a row, oldest
 * first, labelled by its first day; a cell is null when its period starts at or after the end of
 * the range (not observable yet) or the cohort is empty. Events after the range's end are not read.
 */
final class RetentionAggregation implements Aggregation {
  static final int MAX_PERIODS = 400;

  private final Interval interval;
  private final ZoneId zone;
  private final Instant end;
  private final LocalDate first;
  private final int periods;
  private final Map<String, Member> members = new HashMap<>();

  private static final class Member {
    final int cohort;
    final BitSet active = new BitSet();

    Member(int cohort) {
      this.cohort = cohort;
    }
  }

  RetentionAggregation(Interval interval, ZoneId zone, DateRange.Window window) {
    this.interval = interval;
    this.zone = zone;
    this.end = window.end();
    this.first = periodStart(window.start());
    long count = between(first, periodStart(window.end().minusMillis(1))) + 1;
    if (count > MAX_PERIODS) {
      throw ApiError.unprocessable("date_range", "a retention report covers at most " + MAX_PERIODS + " "
          + interval.name().toLowerCase(java.util.Locale.ROOT) + "s; shorten date_range or use interval \"week\"");
    }
    this.periods = (int) count;
  }

  private LocalDate periodStart(Instant instant) {
    LocalDate day = instant.atZone(zone).toLocalDate();
    return interval == Interval.DAY ? day : day.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
  }

  private long between(LocalDate from, LocalDate to) {
    long days = ChronoUnit.DAYS.between(from, to);
    return interval == Interval.DAY ? days : Math.floorDiv(days, 7);
  }

  private LocalDate plus(LocalDate start, long periods) {
    return interval == Interval.DAY ? start.plusDays(periods) : start.plusWeeks(periods);
  }

  @Override
  public void accept(ReportRow row) {
    String visitorId = row.event().getString("visitor_id");
    Member member = members.get(visitorId);
    if (member == null) {
      int cohort = (int) between(first, periodStart(row.firstSeen()));
      if (cohort < 0 || cohort >= periods) {
        return;
      }
      member = new Member(cohort);
      members.put(visitorId, member);
    }
    if (row.passes()) {
      long period = between(plus(first, member.cohort), periodStart(row.timestamp()));
      if (period >= 0 && period < periods) {
        member.active.set((int) period);
      }
    }
  }

  @Override
  public JsonObject results() {
    long[] visitors = new long[periods];
    long[][] active = new long[periods][periods];
    for (Member member : members.values()) {
      visitors[member.cohort]++;
      for (int k = member.active.nextSetBit(0); k >= 0; k = member.active.nextSetBit(k + 1)) {
        active[member.cohort][k]++;
      }
    }
    JsonArray columns = new JsonArray().add("cohort").add("visitors");
    for (int k = 0; k < periods; k++) {
      columns.add("period_" + k);
    }
    JsonArray rows = new JsonArray();
    for (int c = 0; c < periods; c++) {
      LocalDate cohort = plus(first, c);
      JsonArray row = new JsonArray().add(cohort.toString()).add(visitors[c]);
      for (int k = 0; k < periods; k++) {
        boolean observable = plus(cohort, k).atStartOfDay(zone).toInstant().isBefore(end);
        Double share = !observable || visitors[c] == 0 ? null
            : k == 0 ? Double.valueOf(100.0) : Numbers.percent(active[c][k], visitors[c]);
        row.add(share);
      }
      rows.add(row);
    }
    return new JsonObject().put("columns", columns).put("rows", rows).put("truncated", false);
  }
}

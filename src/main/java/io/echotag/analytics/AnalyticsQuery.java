package io.echotag.analytics;

import io.echotag.common.Times;
import io.echotag.http.ApiError;
import io.echotag.http.Query;
import io.vertx.ext.web.RoutingContext;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What {@code GET /v1/analytics} was asked: the range {@code [start, end)}, the time zone, the
 * timeseries buckets and the metric blocks. Pure (the clock is a parameter), so the period and
 * daylight-saving rules are tested without a server.
 *
 * <p>Periods end with the current local day (or hour, for {@code 24h}): {@code today} is the
 * local day so far; {@code 7d}, {@code 30d}, {@code 90d} are that many whole local days, today
 * included; {@code 24h} is the 24 local hours ending with the current one. {@code start_date} /
 * {@code end_date} (either one) make the period {@code custom}; {@code start_date} is then required
 * and {@code end_date} defaults to the end of today.
 *
 * <p>Buckets are instants computed here with {@code java.time}: day buckets start at local
 * midnight (a daylight-saving day lasts 23 or 25 hours), hour buckets are consecutive real hours
 * from the start (a fall-back day has 25). The first bucket starts at {@code start} even when
 * that is not a bucket boundary.
 */
record AnalyticsQuery(String period, Instant start, Instant end, ZoneId zone, Interval interval,
                      List<Instant> buckets, Set<Metric> metrics) {
  static final int MAX_BUCKETS = 5000;

  enum Interval { HOUR, DAY }

  enum Metric {
    VISITORS, EVENTS, CONVERSIONS, SESSIONS, PAGES;

    String key() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  static AnalyticsQuery from(RoutingContext ctx, ZoneId projectZone, Instant now) {
    ZoneId zone = zone(Query.string(ctx, "timezone"), projectZone);
    Set<Metric> metrics = metrics(Query.string(ctx, "metrics"));
    Interval interval = interval(Query.string(ctx, "interval"));
    String period = Query.string(ctx, "period");
    Instant start = Query.date(ctx, "start_date", zone, false);
    Instant end = Query.date(ctx, "end_date", zone, true);
    return of(period, start, end, zone, interval, metrics, now);
  }

  static AnalyticsQuery of(String period, Instant start, Instant end, ZoneId zone, Interval interval,
                           Set<Metric> metrics, Instant now) {
    String name = period == null ? "30d" : period;
    ZonedDateTime tomorrow = LocalDate.ofInstant(now, zone).plusDays(1).atStartOfDay(zone);
    if (start != null || end != null || name.equals("custom")) {
      if (start == null) {
        throw ApiError.invalid("start_date", "start_date is required with end_date or period=custom");
      }
      name = "custom";
      end = end == null ? tomorrow.toInstant() : end;
      if (!end.isAfter(start)) {
        throw ApiError.invalid("end_date", "end_date must not be before start_date");
      }
    } else {
      end = tomorrow.toInstant();
      start = switch (name) {
        case "today" -> tomorrow.minusDays(1).toInstant();
        case "7d", "30d", "90d" -> tomorrow.minusDays(Long.parseLong(name.substring(0, name.length() - 1))).toInstant();
        case "24h" -> {
          ZonedDateTime nextHour = ZonedDateTime.ofInstant(now, zone).truncatedTo(ChronoUnit.HOURS).plusHours(1);
          end = nextHour.toInstant();
          yield end.minus(Duration.ofHours(24));
        }
        default -> throw ApiError.invalid("period", "period must be one of 24h, 7d, 30d, 90d, today, custom (got '"
            + name + "')");
      };
    }
    return new AnalyticsQuery(name, start, end, zone, interval, buckets(start, end, zone, interval), metrics);
  }

  /** Bucket starts, the first being {@code start}. */
  static List<Instant> buckets(Instant start, Instant end, ZoneId zone, Interval interval) {
    List<Instant> buckets = new ArrayList<>();
    Instant at = start;
    while (at.isBefore(end)) {
      if (buckets.size() == MAX_BUCKETS) {
        throw ApiError.invalid("interval", "interval=" + interval.name().toLowerCase(Locale.ROOT)
            + " gives more than " + MAX_BUCKETS + " buckets over this range: use a longer interval or a shorter range");
      }
      buckets.add(at);
      at = interval == Interval.HOUR
          ? ZonedDateTime.ofInstant(at, zone).truncatedTo(ChronoUnit.HOURS).plusHours(1).toInstant()
          : LocalDate.ofInstant(at, zone).plusDays(1).atStartOfDay(zone).toInstant();
    }
    return buckets;
  }

  /** The timeseries label of bucket {@code i}: its local date for day buckets, its UTC start instant for hours. */
  String label(int i) {
    Instant at = buckets.get(i);
    return interval == Interval.DAY ? LocalDate.ofInstant(at, zone).toString() : Times.format(at);
  }

  /**
   * Whether the hourly rollups can answer exactly: every bucket boundary and both ends fall on
   * whole UTC hours. Not so in zones with a non-whole-hour offset (Asia/Kolkata, +05:30) or for
   * custom instants inside an hour; then the events themselves are read.
   */
  boolean rollupsApply() {
    if (!wholeHour(end)) {
      return false;
    }
    for (Instant at : buckets) {
      if (!wholeHour(at)) {
        return false;
      }
    }
    return true;
  }

  /**
   * The whole UTC days inside the range, {@code [first, end)}; both equal {@code end} when there
   * is none. The hours before and after them are the range's ends.
   */
  Instant[] wholeUtcDays() {
    Instant first = start.truncatedTo(ChronoUnit.DAYS);
    first = first.equals(start) ? first : first.plus(1, ChronoUnit.DAYS);
    Instant last = end.truncatedTo(ChronoUnit.DAYS);
    return first.isBefore(last) ? new Instant[] {first, last} : new Instant[] {end, end};
  }

  /** {@code end_date} as answered: the last millisecond of the range (inclusive, as the parameter reads). */
  String endDate() {
    return Times.format(end.minusMillis(1));
  }

  boolean wants(Metric metric) {
    return metrics.contains(metric);
  }

  private static boolean wholeHour(Instant at) {
    return at.getNano() == 0 && at.getEpochSecond() % 3600 == 0;
  }

  static ZoneId zone(String value, ZoneId fallback) {
    if (value == null) {
      return fallback;
    }
    try {
      // ZoneId.of also takes offsets ("+02:00"), which are not IANA zones and know no DST.
      ZoneId zone = ZoneId.of(value);
      if (ZoneId.getAvailableZoneIds().contains(zone.getId())) {
        return zone;
      }
    } catch (DateTimeException e) {
      // answered below
    }
    throw ApiError.invalid("timezone", "timezone must be an IANA time zone such as Europe/Paris (got '" + value + "')");
  }

  static Set<Metric> metrics(String value) {
    if (value == null) {
      return EnumSet.allOf(Metric.class);
    }
    Set<Metric> metrics = EnumSet.noneOf(Metric.class);
    for (String part : value.split(",", -1)) {
      String name = part.trim();
      Metric metric = null;
      for (Metric m : Metric.values()) {
        metric = m.key().equals(name) ? m : metric;
      }
      if (metric == null) {
        throw ApiError.invalid("metrics", "metrics must be a comma list of visitors, events, conversions, sessions, "
            + "pages (got '" + name + "')");
      }
      metrics.add(metric);
    }
    return metrics;
  }

  static Interval interval(String value) {
    if (value == null || value.equals("day")) {
      return Interval.DAY;
    }
    if (value.equals("hour")) {
      return Interval.HOUR;
    }
    throw ApiError.invalid("interval", "interval must be hour or day (got '" + value + "')");
  }
}

package io.echotag.analytics;

import io.echotag.http.ApiError;
import io.echotag.http.Query;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * The time range and buckets of an analytics query, in the requested time zone. Pure: the clock
 * is an argument. Day buckets start at local midnight (a daylight-saving day is 23 or 25 hours
 * long); hour buckets start on local hours and are labelled with their offset, so the repeated
 * hour of an autumn change is two buckets ({@code 02:00+02:00}, then {@code 02:00+01:00}).
 */
record AnalyticsRange(String period, Instant start, Instant end, ZoneId zone, boolean hourly,
                      List<Instant> boundaries) {
  static final int MAX_BUCKETS = 10_000;
  private static final DateTimeFormatter HOUR = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mmXXX");

  static AnalyticsRange of(String period, String startDate, String endDate, ZoneId zone, String interval,
                           Instant now) {
    boolean hourly = switch (interval == null ? "day" : interval) {
      case "day" -> false;
      case "hour" -> true;
      default -> throw ApiError.invalid("interval", "interval must be hour or day");
    };
    String name = period == null ? "30d" : period;
    Instant start;
    Instant end = now;
    if (startDate != null || endDate != null) {
      if (startDate == null) {
        throw ApiError.invalid("start_date", "start_date is required with end_date");
      }
      start = Query.dateBound("start_date", startDate, zone, false);
      end = endDate == null ? now : Query.dateBound("end_date", endDate, zone, true);
      name = "custom";
    } else {
      LocalDate today = LocalDate.ofInstant(now, zone);
      start = switch (name) {
        case "24h" -> now.minus(Duration.ofHours(24));
        case "today" -> today.atStartOfDay(zone).toInstant();
        case "7d" -> today.minusDays(6).atStartOfDay(zone).toInstant();
        case "30d" -> today.minusDays(29).atStartOfDay(zone).toInstant();
        case "90d" -> today.minusDays(89).atStartOfDay(zone).toInstant();
        case "custom" -> throw ApiError.invalid("start_date", "period custom needs start_date (and end_date)");
        default -> throw ApiError.invalid("period", "period must be 24h, 7d, 30d, 90d, today or custom");
      };
    }
    if (!end.isAfter(start)) {
      throw ApiError.invalid("end_date", "end_date must be after start_date");
    }
    return new AnalyticsRange(name, start, end, zone, hourly, boundaries(start, end, zone, hourly));
  }

  private static List<Instant> boundaries(Instant start, Instant end, ZoneId zone, boolean hourly) {
    List<Instant> bounds = new ArrayList<>();
    ZonedDateTime local = ZonedDateTime.ofInstant(start, zone).truncatedTo(hourly ? ChronoUnit.HOURS : ChronoUnit.DAYS);
    Instant bound = local.toInstant();
    LocalDate day = local.toLocalDate();
    while (true) {
      bounds.add(bound);
      if (!bound.isBefore(end)) {
        return bounds;
      }
      if (bounds.size() > MAX_BUCKETS) {
        throw ApiError.invalid("interval", "too many " + (hourly ? "hours" : "days") + " in the range (at most "
            + MAX_BUCKETS + " buckets)");
      }
      if (hourly) {
        bound = bound.plus(Duration.ofHours(1));
      } else {
        day = day.plusDays(1);
        bound = day.atStartOfDay(zone).toInstant();
      }
    }
  }

  /** How many buckets (one fewer than the boundaries). */
  int buckets() {
    return boundaries.size() - 1;
  }

  /** The label of bucket {@code i} (0-based): the local date, or the local hour with its offset. */
  String label(int i) {
    ZonedDateTime at = ZonedDateTime.ofInstant(boundaries.get(i), zone);
    return hourly ? at.format(HOUR) : at.toLocalDate().toString();
  }
}

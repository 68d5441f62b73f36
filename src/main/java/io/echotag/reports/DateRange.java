package io.echotag.reports;

import io.echotag.http.ApiError;
import io.echotag.http.Query;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A report's {@code date_range}: a period that ends when the report runs ({@code "24h"},
 * {@code "30d"}, {@code "12w"}: that many hours, days or weeks back from now; {@code "today"}:
 * since midnight in the project's time zone), or {@code {"start", "end"}}, each {@code YYYY-MM-DD}
 * (a whole day in the project's time zone; {@code end} inclusive) or an ISO-8601 instant. A saved
 * report with a period covers a fresh window on every run. Default {@code "30d"}.
 */
record DateRange(String period, String start, String end) {
  static final String DEFAULT_PERIOD = "30d";
  static final Duration MAX_SPAN = Duration.ofDays(3660);
  private static final Pattern PERIOD = Pattern.compile("([1-9][0-9]{0,5})([hdw])");
  private static final String PARAM = "date_range";

  /** The window the report covers: {@code start <= timestamp < end}. */
  record Window(Instant start, Instant end) {
  }

  static DateRange parse(Object value) {
    if (value == null) {
      return new DateRange(DEFAULT_PERIOD, null, null);
    }
    if (value instanceof String period) {
      if (!period.equals("today") && span(period) == null) {
        throw ApiError.unprocessable(PARAM, PARAM + " must be a period such as \"24h\", \"30d\", \"12w\" or "
            + "\"today\" (at most " + MAX_SPAN.toDays() + " days), or {\"start\", \"end\"}");
      }
      return new DateRange(period, null, null);
    }
    if (!(value instanceof JsonObject range)) {
      throw ApiError.unprocessable(PARAM, PARAM + " must be a period such as \"30d\" or {\"start\", \"end\"}");
    }
    String start = bound(range, "start");
    String end = bound(range, "end");
    // Checked in UTC here; the run reads whole days in the project's time zone.
    Window window = new DateRange(null, start, end).resolve(ZoneOffset.UTC, Instant.now());
    if (!window.start().isBefore(window.end())) {
      throw ApiError.unprocessable(PARAM + ".end", PARAM + ".end must not be before " + PARAM + ".start");
    }
    if (Duration.between(window.start(), window.end()).compareTo(MAX_SPAN.plusDays(2)) > 0) {
      throw ApiError.unprocessable(PARAM, PARAM + " spans more than " + MAX_SPAN.toDays() + " days");
    }
    return new DateRange(null, start, end);
  }

  private static String bound(JsonObject range, String field) {
    String param = PARAM + "." + field;
    if (!(range.getValue(field) instanceof String text) || text.isEmpty()) {
      throw ApiError.unprocessable(param, param + " is required: YYYY-MM-DD or an ISO-8601 instant");
    }
    Query.dateBound(param, text, ZoneOffset.UTC, false);
    return text;
  }

  private static Duration span(String period) {
    Matcher m = PERIOD.matcher(period);
    if (!m.matches()) {
      return null;
    }
    long n = Long.parseLong(m.group(1));
    Duration span = switch (m.group(2)) {
      case "h" -> Duration.ofHours(n);
      case "d" -> Duration.ofDays(n);
      default -> Duration.ofDays(7 * n);
    };
    return span.compareTo(MAX_SPAN) > 0 ? null : span;
  }

  Window resolve(ZoneId zone, Instant now) {
    if (period == null) {
      return new Window(Query.dateBound(PARAM + ".start", start, zone, false),
          Query.dateBound(PARAM + ".end", end, zone, true));
    }
    if (period.equals("today")) {
      return new Window(LocalDate.ofInstant(now, zone).atStartOfDay(zone).toInstant(), now);
    }
    return new Window(now.minus(span(period)), now);
  }

  /** As the definition shows it: the period, or {@code {"start", "end"}} as given. */
  Object json() {
    return period != null ? period : new JsonObject().put("start", start).put("end", end);
  }
}

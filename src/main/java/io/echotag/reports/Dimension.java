package io.echotag.reports;

import io.echotag.http.ApiError;
import io.vertx.core.json.JsonObject;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;

/**
 * One {@code group_by} entry of an events report: an event column, a time bucket in the project's
 * time zone, or {@code data.<field>}. Buckets are labelled {@code 2025-01-27T10:00+01:00} (hour,
 * with the offset so that the repeated hour of a DST change stays two rows), {@code 2025-01-27}
 * (day; week: its Monday) and {@code 2025-01} (month).
 */
record Dimension(String name, Kind kind, DataPath path) {
  enum Kind { EVENT_TYPE, VISITOR_ID, SESSION_ID, HOUR, DAY, WEEK, MONTH, DATA }

  private static final DateTimeFormatter HOUR = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mmXXX");
  private static final DateTimeFormatter MONTH = DateTimeFormatter.ofPattern("uuuu-MM");

  static Dimension parse(Object value, String param) {
    if (!(value instanceof String name)) {
      throw ApiError.unprocessable(param, param + " must be a string such as \"event_type\" or \"data.url\"");
    }
    Kind kind = switch (name) {
      case "event_type" -> Kind.EVENT_TYPE;
      case "visitor_id" -> Kind.VISITOR_ID;
      case "session_id" -> Kind.SESSION_ID;
      case "hour" -> Kind.HOUR;
      case "day" -> Kind.DAY;
      case "week" -> Kind.WEEK;
      case "month" -> Kind.MONTH;
      default -> name.startsWith("data.") ? Kind.DATA : null;
    };
    DataPath path = kind == Kind.DATA ? DataPath.parse(name.substring(5)) : null;
    if (kind == null || (kind == Kind.DATA && path == null)) {
      throw ApiError.unprocessable(param, param + ": unknown group \"" + clip(name) + "\"; use event_type, visitor_id, "
          + "session_id, hour, day, week, month or data.<field>");
    }
    return new Dimension(name, kind, path);
  }

  Object value(JsonObject event, Instant timestamp, ZoneId zone) {
    return switch (kind) {
      case EVENT_TYPE -> event.getString("event_type");
      case VISITOR_ID -> event.getString("visitor_id");
      case SESSION_ID -> event.getString("session_id");
      case HOUR -> HOUR.format(timestamp.atZone(zone).truncatedTo(ChronoUnit.HOURS));
      case DAY -> timestamp.atZone(zone).toLocalDate().toString();
      case WEEK -> timestamp.atZone(zone).toLocalDate().with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY))
          .toString();
      case MONTH -> MONTH.format(ZonedDateTime.ofInstant(timestamp, zone));
      case DATA -> Numbers.normalize(path.resolve(event.getJsonObject("data")));
    };
  }

  /** User text echoed in an error message, kept short. */
  static String clip(String text) {
    return text.length() > 80 ? text.substring(0, 80) + "..." : text;
  }
}

package io.echotag.reports;

import io.echotag.http.ApiError;
import io.echotag.http.Bodies;
import io.echotag.triggers.Condition;
import io.echotag.triggers.Conditions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A validated report definition. Failures name the field: {@code report_type}, {@code group_by[1]},
 * {@code metrics[0]}, {@code steps[2]}, {@code steps[2].url}, {@code filters.any.0.url},
 * {@code date_range.start}. Fields that do not belong to the report's type are ignored and not
 * stored. {@link #json()} is what is stored and shown; {@link #parse} reads it back.
 */
record ReportDefinition(String name, Type type, JsonObject filtersJson, Condition filters, DateRange dateRange,
                        List<Dimension> groupBy, List<Metric> metrics, List<FunnelStep> steps, long windowMs,
                        Interval interval) {
  enum Type { EVENTS, FUNNEL, RETENTION }

  /** Retention cohorts and periods: by first-seen day or ISO week (Monday), in the project's time zone. */
  enum Interval { DAY, WEEK }

  static final int MAX_GROUP_BY = 10;
  static final int MAX_METRICS = 20;
  static final int MAX_STEPS = 20;
  static final long DEFAULT_WINDOW_MS = 86_400_000L;
  static final long MAX_WINDOW_MS = 90L * 86_400_000L;

  static ReportDefinition parse(JsonObject body) {
    Bodies.require(body, "report_type");
    String name = Bodies.string(body, "name", 200);
    Type type = switch (String.valueOf(body.getValue("report_type"))) {
      case "events" -> Type.EVENTS;
      case "funnel" -> Type.FUNNEL;
      case "retention" -> Type.RETENTION;
      default -> throw ApiError.unprocessable("report_type", "report_type must be events, funnel or retention");
    };
    JsonObject filtersJson = Bodies.object(body, "filters");
    filtersJson = filtersJson == null ? new JsonObject() : filtersJson;
    Condition filters = Conditions.compile(filtersJson, "filters");
    DateRange range = DateRange.parse(body.getValue("date_range"));
    List<Dimension> groupBy = List.of();
    List<Metric> metrics = List.of();
    List<FunnelStep> steps = List.of();
    long windowMs = 0;
    Interval interval = null;
    switch (type) {
      case EVENTS -> {
        groupBy = list(body, "group_by", MAX_GROUP_BY, false, Dimension::parse);
        metrics = list(body, "metrics", MAX_METRICS, false, Metric::parse);
        metrics = metrics.isEmpty() ? List.of(Metric.parse("count", "metrics[0]")) : metrics;
      }
      case FUNNEL -> {
        steps = list(body, "steps", MAX_STEPS, true, FunnelStep::parse);
        Long window = Bodies.number(body, "window_ms", 1, MAX_WINDOW_MS);
        windowMs = window == null ? DEFAULT_WINDOW_MS : window;
      }
      case RETENTION -> {
        Object value = body.getValue("interval");
        if (value == null || value.equals("day")) {
          interval = Interval.DAY;
        } else if (value.equals("week")) {
          interval = Interval.WEEK;
        } else {
          throw ApiError.unprocessable("interval", "interval must be \"day\" or \"week\"");
        }
      }
    }
    return new ReportDefinition(name, type, filtersJson.copy(), filters, range, groupBy, metrics, steps, windowMs,
        interval);
  }

  interface EntryParser<T> {
    T parse(Object value, String param);
  }

  private static <T> List<T> list(JsonObject body, String field, int max, boolean required, EntryParser<T> parser) {
    Object value = body.getValue(field);
    if (value == null && !required) {
      return List.of();
    }
    if (!(value instanceof JsonArray array) || (required && array.size() < 2)) {
      throw ApiError.unprocessable(field, field + " must be a list" + (required ? " of at least 2 entries" : ""));
    }
    if (array.size() > max) {
      throw ApiError.unprocessable(field, field + " holds at most " + max + " entries");
    }
    List<T> out = new ArrayList<>();
    for (int i = 0; i < array.size(); i++) {
      out.add(parser.parse(array.getValue(i), field + "[" + i + "]"));
    }
    return List.copyOf(out);
  }

  /** The definition as stored and shown (without id, project and times). */
  JsonObject json() {
    JsonObject json = new JsonObject()
        .put("name", name)
        .put("report_type", type.name().toLowerCase(Locale.ROOT))
        .put("filters", filtersJson.copy())
        .put("date_range", dateRange.json());
    switch (type) {
      case EVENTS -> json.put("group_by", new JsonArray(groupBy.stream().map(Dimension::name).toList()))
          .put("metrics", new JsonArray(metrics.stream().map(Metric::name).toList()));
      case FUNNEL -> json.put("steps", new JsonArray(steps.stream().map(FunnelStep::definition).toList()))
          .put("window_ms", windowMs);
      case RETENTION -> json.put("interval", interval.name().toLowerCase(Locale.ROOT));
    }
    return json;
  }

  /**
   * The event types the filters allow, when they say so at the top level ({@code "event.event_type":
   * "purchase"}, {@code {"equals": ...}} or {@code {"in": [...]}}): SQL may then read only those
   * through the {@code events_type} index. Null when the filters do not narrow the type. The
   * filters are still judged on every row read, so this only saves reading, never decides.
   */
  String[] filterEventTypes() {
    Object value = filtersJson.getValue("event.event_type");
    if (value instanceof JsonObject operators && operators.size() == 1) {
      value = operators.containsKey("equals") ? operators.getValue("equals") : operators.getValue("in");
    }
    if (value instanceof String type) {
      return new String[] {type};
    }
    if (value instanceof JsonArray types && types.stream().allMatch(String.class::isInstance)) {
      return types.stream().map(String.class::cast).toArray(String[]::new);
    }
    return null;
  }

  /** Whether a filter or a step reads {@code visitor.} fields, so that the run must load visitor profiles. */
  boolean readsVisitors() {
    return mentionsVisitor(filtersJson) || steps.stream().anyMatch(s -> mentionsVisitor(s.definition()));
  }

  private static boolean mentionsVisitor(Object json) {
    if (json instanceof JsonObject object) {
      for (String key : object.fieldNames()) {
        if (key.startsWith("visitor.") || mentionsVisitor(object.getValue(key))) {
          return true;
        }
      }
    } else if (json instanceof JsonArray array) {
      for (Object item : array) {
        if (mentionsVisitor(item)) {
          return true;
        }
      }
    }
    return false;
  }
}

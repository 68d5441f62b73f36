package io.echotag.analytics;

import io.echotag.common.Times;
import io.echotag.projects.Project;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;

import java.math.BigDecimal;
import java.util.Set;

/** Shapes the rows of the analytics queries into the contract's answer. */
final class AnalyticsAnswer {
  private AnalyticsAnswer() {
  }

  static JsonObject build(Project project, AnalyticsRange range, Set<String> metrics, Row totals,
                          RowSet<Row> timeseries, RowSet<Row> byType, Long newVisitors, Row sessions,
                          RowSet<Row> pages) {
    long[][] series = new long[3][range.buckets()];
    if (timeseries != null) {
      for (Row row : timeseries) {
        int bucket = row.getInteger("bucket");
        if (bucket >= 1 && bucket <= range.buckets()) {
          series[0][bucket - 1] = row.getLong("visitors");
          series[1][bucket - 1] = row.getLong("events");
          series[2][bucket - 1] = row.getLong("conversions");
        }
      }
    }
    long visitors = totals.getLong("visitors");
    long conversions = totals.getLong("conversions");
    JsonObject answer = new JsonObject()
        .put("project_id", project.id())
        .put("period", range.period())
        .put("start_date", Times.format(range.start()))
        .put("end_date", Times.format(range.end()))
        .put("timezone", range.zone().getId())
        .put("interval", range.hourly() ? "hour" : "day");
    if (metrics.contains("visitors")) {
      long fresh = Math.min(newVisitors, visitors);
      answer.put("visitors", new JsonObject().put("total", visitors).put("new", fresh)
          .put("returning", visitors - fresh).put("timeseries", timeseries(range, series[0])));
    }
    if (metrics.contains("events")) {
      JsonArray types = new JsonArray();
      byType.forEach(row -> types.add(new JsonObject().put("event_type", row.getString("event_type"))
          .put("count", row.getLong("count"))));
      answer.put("events", new JsonObject().put("total", totals.getLong("events")).put("by_type", types)
          .put("timeseries", timeseries(range, series[1])));
    }
    if (metrics.contains("conversions")) {
      BigDecimal revenue = totals.getBigDecimal("revenue");
      answer.put("conversions", new JsonObject().put("total", conversions)
          .put("rate", AnalyticsRoutes.percent(conversions, visitors))
          .put("revenue", revenue == null ? 0.0 : revenue.doubleValue())
          .put("timeseries", timeseries(range, series[2])));
    }
    if (metrics.contains("sessions")) {
      long total = sessions.getLong("total");
      answer.put("sessions", new JsonObject().put("total", total)
          .put("avg_duration_ms", Math.round(sessions.getNumeric("avg_duration_ms").doubleValue()))
          .put("bounce_rate", AnalyticsRoutes.percent(sessions.getLong("bounces"), total)));
    }
    if (metrics.contains("pages")) {
      JsonArray top = new JsonArray();
      pages.forEach(row -> top.add(new JsonObject().put("url", row.getString("url"))
          .put("views", row.getLong("views")).put("visitors", row.getLong("visitors"))));
      answer.put("pages", top);
    }
    return answer;
  }

  private static JsonArray timeseries(AnalyticsRange range, long[] values) {
    JsonArray points = new JsonArray();
    for (int i = 0; i < values.length; i++) {
      points.add(new JsonObject().put("t", range.label(i)).put("value", values[i]));
    }
    return points;
  }
}

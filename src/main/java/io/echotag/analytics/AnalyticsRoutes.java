package io.echotag.analytics;

import io.echotag.Services;
import io.echotag.common.Times;
import io.echotag.http.Auth;
import io.echotag.http.Query;
import io.echotag.http.Replies.Reply;
import io.echotag.keys.Scope;
import io.echotag.projects.Project;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import static io.echotag.analytics.AnalyticsQuery.Metric;
import static io.echotag.http.Replies.reply;

/**
 * {@code GET /v1/analytics}: totals, breakdowns and timeseries over a period, in the caller's
 * time zone. The blocks asked for are read in parallel (one statement each, each on its own
 * pooled connection), from the hourly rollups when the buckets allow ({@link AnalyticsQuery#rollupsApply}),
 * else from the events. The answer's {@code X-Analytics-Source} header says which.
 */
public final class AnalyticsRoutes {
  static final String PATH = "/v1/analytics";
  static final String SOURCE_HEADER = "X-Analytics-Source";
  static final int TOP_PAGES = 10;
  static final String SORT_MEMORY = "64MB";

  private final Services services;

  private AnalyticsRoutes(Services services) {
    this.services = services;
  }

  public static void mount(Router router, Services services) {
    AnalyticsRoutes routes = new AnalyticsRoutes(services);
    router.get(PATH).handler(Auth.require(Scope.READ)).handler(reply(routes::analytics));
  }

  private Future<Reply> analytics(RoutingContext ctx) {
    String projectId = Query.string(ctx, "project_id");
    return services.projects().resolve(Auth.principal(ctx), projectId).compose(project -> {
      AnalyticsQuery query = AnalyticsQuery.from(ctx, project.timezone(), Instant.now());
      boolean rollups = query.rollupsApply();
      ctx.response().putHeader(SOURCE_HEADER, rollups ? "rollups" : "events");
      // The rollups first take in every commit queued so far: the answer covers what was acknowledged.
      Future<?> ready = rollups ? AnalyticsRollups.drain(services.pool()) : Future.succeededFuture();
      return ready.compose(drained -> answer(project, query, rollups)).map(Reply::ok);
    });
  }

  private Future<JsonObject> answer(Project project, AnalyticsQuery query, boolean rollups) {
    OffsetDateTime start = Times.utc(query.start());
    OffsetDateTime end = Times.utc(query.end());
    Tuple range = Tuple.of(project.id(), start, end);
    Tuple bucketed = Tuple.of(project.id(), start, end,
        query.buckets().stream().map(Times::utc).toArray(OffsetDateTime[]::new));
    boolean counts = query.wants(Metric.EVENTS) || query.wants(Metric.CONVERSIONS);
    boolean visitors = query.wants(Metric.VISITORS) || query.wants(Metric.CONVERSIONS);
    Future<RowSet<Row>> countRows = counts
        ? run(rollups ? AnalyticsSql.COUNTS_ROLLUP : AnalyticsSql.COUNTS_RAW, bucketed) : null;
    Future<RowSet<Row>> visitorRows = visitors
        ? sorting(rollups ? AnalyticsSql.VISITORS_ROLLUP : AnalyticsSql.VISITORS_RAW, bucketed) : null;
    Future<RowSet<Row>> newRows = query.wants(Metric.VISITORS) ? run(AnalyticsSql.NEW_VISITORS, range) : null;
    Future<RowSet<Row>> sessionRows = query.wants(Metric.SESSIONS)
        ? run(rollups ? AnalyticsSql.SESSIONS_ROLLUP : AnalyticsSql.SESSIONS_RAW, range) : null;
    Future<RowSet<Row>> pageRows = query.wants(Metric.PAGES) ? pages(project.id(), query, rollups) : null;

    List<Future<RowSet<Row>>> all = List.of(opt(countRows), opt(visitorRows), opt(newRows), opt(sessionRows),
        opt(pageRows));
    return Future.all(all).map(ok -> {
      JsonObject out = new JsonObject()
          .put("project_id", project.id())
          .put("period", query.period())
          .put("start_date", Times.format(query.start()))
          .put("end_date", query.endDate())
          .put("timezone", query.zone().getId())
          .put("interval", query.interval().name().toLowerCase(java.util.Locale.ROOT));
      Visitors seen = visitorRows == null ? null : Visitors.of(visitorRows.result(), query.buckets().size());
      if (query.wants(Metric.VISITORS)) {
        long fresh = Math.min(newRows.result().iterator().next().getLong("n"), seen.total);
        out.put("visitors", new JsonObject().put("total", seen.total).put("new", fresh)
            .put("returning", seen.total - fresh).put("timeseries", timeseries(query, seen.perBucket)));
      }
      if (counts) {
        Counts c = Counts.of(countRows.result(), query.buckets().size(), new HashSet<>(project.conversionEventTypes()));
        if (query.wants(Metric.EVENTS)) {
          JsonArray byType = new JsonArray();
          c.byType.entrySet().stream()
              .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
              .forEach(e -> byType.add(new JsonObject().put("event_type", e.getKey()).put("count", e.getValue())));
          out.put("events", new JsonObject().put("total", c.total).put("by_type", byType)
              .put("timeseries", timeseries(query, c.perBucket)));
        }
        if (query.wants(Metric.CONVERSIONS)) {
          out.put("conversions", new JsonObject().put("total", c.conversions)
              .put("rate", seen.total == 0 ? 0.0 : percent(c.conversions, seen.total))
              .put("revenue", c.revenue.setScale(2, RoundingMode.HALF_UP).doubleValue())
              .put("timeseries", timeseries(query, c.conversionsPerBucket)));
        }
      }
      if (query.wants(Metric.SESSIONS)) {
        Row row = sessionRows.result().iterator().next();
        long total = row.getLong("total");
        out.put("sessions", new JsonObject().put("total", total)
            .put("avg_duration_ms", Math.round(row.getDouble("avg_ms")))
            .put("bounce_rate", total == 0 ? 0.0 : percent(row.getLong("bounces"), total)));
      }
      if (query.wants(Metric.PAGES)) {
        JsonArray pages = new JsonArray();
        for (Row row : pageRows.result()) {
          pages.add(new JsonObject().put("url", row.getString("url")).put("views", row.getLong("views"))
              .put("visitors", row.getLong("visitors")));
        }
        out.put("pages", pages);
      }
      return out;
    });
  }

  private Future<RowSet<Row>> run(String sql, Tuple params) {
    return services.pool().preparedQuery(sql).execute(params);
  }

  /**
   * A statement whose distinct counts sort many rows: given {@link #SORT_MEMORY} so that the
   * sort stays in memory (the default 4 MB spills a month of visitor-hours to disk).
   */
  private Future<RowSet<Row>> sorting(String sql, Tuple params) {
    return services.pool().withTransaction(conn -> conn.query("SET LOCAL work_mem = '" + SORT_MEMORY + "'").execute()
        .compose(ok -> conn.preparedQuery(sql).execute(params)));
  }

  /**
   * The top pages. From the rollups when every top page's visitors are exact there (no visitor's
   * last view of it comes after the range), else from the events.
   */
  private Future<RowSet<Row>> pages(String projectId, AnalyticsQuery query, boolean rollups) {
    Tuple raw = Tuple.of(projectId, Times.utc(query.start()), Times.utc(query.end()), TOP_PAGES);
    if (!rollups) {
      return sorting(AnalyticsSql.PAGES_RAW, raw);
    }
    Instant[] days = query.wholeUtcDays();
    return run(AnalyticsSql.PAGES_ROLLUP, Tuple.of(projectId, Times.utc(query.start()), Times.utc(query.end()),
        Times.utc(days[0]), Times.utc(days[1]), TOP_PAGES))
        .compose(rows -> {
          for (Row row : rows) {
            if (row.getLong("later") > 0) {
              return sorting(AnalyticsSql.PAGES_RAW, raw);
            }
          }
          return Future.succeededFuture(rows);
        });
  }

  private static Future<RowSet<Row>> opt(Future<RowSet<Row>> f) {
    return f == null ? Future.succeededFuture() : f;
  }

  /** {@code part} of {@code whole} in percent, two decimals. */
  static double percent(long part, long whole) {
    return BigDecimal.valueOf(part * 100.0 / whole).setScale(2, RoundingMode.HALF_UP).doubleValue();
  }

  /** Every bucket, in order, with 0 where nothing happened. */
  private static JsonArray timeseries(AnalyticsQuery query, long[] values) {
    JsonArray series = new JsonArray();
    for (int i = 0; i < values.length; i++) {
      series.add(new JsonObject().put("t", query.label(i)).put("value", values[i]));
    }
    return series;
  }

  /** Bucket numbers from {@code width_bucket} start at 1; anything outside the buckets is dropped. */
  private static int index(Row row, int buckets) {
    Integer b = row.getInteger("b");
    return b == null || b < 1 || b > buckets ? -1 : b - 1;
  }

  private static final class Visitors {
    long total;
    long[] perBucket;

    static Visitors of(RowSet<Row> rows, int buckets) {
      Visitors v = new Visitors();
      v.perBucket = new long[buckets];
      for (Row row : rows) {
        if (row.getValue("b") == null) {
          v.total = row.getLong("n");
        } else if (index(row, buckets) >= 0) {
          v.perBucket[index(row, buckets)] = row.getLong("n");
        }
      }
      return v;
    }
  }

  private static final class Counts {
    long total;
    long conversions;
    BigDecimal revenue = BigDecimal.ZERO;
    long[] perBucket;
    long[] conversionsPerBucket;
    final Map<String, Long> byType = new TreeMap<>();

    static Counts of(RowSet<Row> rows, int buckets, Set<String> conversionTypes) {
      Counts c = new Counts();
      c.perBucket = new long[buckets];
      c.conversionsPerBucket = new long[buckets];
      for (Row row : rows) {
        int i = index(row, buckets);
        long n = row.getLong("n");
        String type = row.getString("event_type");
        c.total += n;
        c.byType.merge(type, n, Long::sum);
        if (i >= 0) {
          c.perBucket[i] += n;
        }
        if (conversionTypes.contains(type)) {
          c.conversions += n;
          BigDecimal revenue = row.getBigDecimal("revenue");
          c.revenue = revenue == null ? c.revenue : c.revenue.add(revenue);
          if (i >= 0) {
            c.conversionsPerBucket[i] += n;
          }
        }
      }
      return c;
    }
  }
}

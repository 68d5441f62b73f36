package io.echotag.analytics;

import io.echotag.Services;
import io.echotag.common.Times;
import io.echotag.http.ApiError;
import io.echotag.http.Auth;
import io.echotag.http.Query;
import io.echotag.http.Replies.Reply;
import io.echotag.keys.Scope;
import io.echotag.projects.Project;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import static io.echotag.http.Replies.reply;

/**
 * {@code GET /v1/analytics}: totals, breakdowns and timeseries of one project over a range, in a
 * time zone. The queries run concurrently on the pool; each filters on the caller's project.
 */
public final class AnalyticsRoutes {
  static final List<String> METRICS = List.of("visitors", "events", "conversions", "sessions", "pages");
  static final int TOP_PAGES = 10;

  private final Services services;

  private AnalyticsRoutes(Services services) {
    this.services = services;
  }

  public static void mount(Router router, Services services) {
    AnalyticsRoutes routes = new AnalyticsRoutes(services);
    router.get("/v1/analytics").handler(Auth.require(Scope.READ)).handler(reply(routes::analytics));
  }

  private Future<Reply> analytics(RoutingContext ctx) {
    Set<String> metrics = metrics(Query.string(ctx, "metrics"));
    return services.projects().resolve(Auth.principal(ctx), Query.string(ctx, "project_id"))
        .compose(project -> {
          ZoneId zone = zone(Query.string(ctx, "timezone"), project);
          AnalyticsRange range = AnalyticsRange.of(Query.string(ctx, "period"), Query.string(ctx, "start_date"),
              Query.string(ctx, "end_date"), zone, Query.string(ctx, "interval"), Instant.now());
          return run(project, range, metrics);
        })
        .map(Reply::ok);
  }

  static Set<String> metrics(String value) {
    if (value == null) {
      return new LinkedHashSet<>(METRICS);
    }
    Set<String> chosen = new LinkedHashSet<>();
    for (String part : value.split(",")) {
      String metric = part.trim();
      if (!METRICS.contains(metric)) {
        throw ApiError.invalid("metrics", "unknown metric \"" + metric + "\"; metrics is a comma list of "
            + String.join(", ", METRICS));
      }
      chosen.add(metric);
    }
    return chosen;
  }

  private static ZoneId zone(String value, Project project) {
    if (value == null) {
      return project.timezone();
    }
    try {
      return ZoneId.of(value);
    } catch (DateTimeException e) {
      throw ApiError.invalid("timezone", "timezone must be an IANA time zone such as Europe/Paris");
    }
  }

  private Future<JsonObject> run(Project project, AnalyticsRange range, Set<String> metrics) {
    OffsetDateTime start = Times.utc(range.start());
    OffsetDateTime end = Times.utc(range.end());
    String[] conversionTypes = project.conversionEventTypes().toArray(String[]::new);
    Tuple base = Tuple.of(project.id(), start, end);
    boolean series = metrics.contains("visitors") || metrics.contains("events") || metrics.contains("conversions");
    Future<RowSet<Row>> totals = query(AnalyticsSql.TOTALS, Tuple.of(project.id(), start, end, conversionTypes));
    Future<RowSet<Row>> timeseries = series ? query(AnalyticsSql.TIMESERIES, Tuple.of(project.id(), start, end,
        conversionTypes, range.boundaries().stream().map(Times::utc).toArray(OffsetDateTime[]::new))) : null;
    Future<RowSet<Row>> byType = metrics.contains("events") ? query(AnalyticsSql.BY_TYPE, base) : null;
    Future<RowSet<Row>> newVisitors = metrics.contains("visitors") ? query(AnalyticsSql.NEW_VISITORS, base) : null;
    Future<RowSet<Row>> sessions = metrics.contains("sessions") ? query(AnalyticsSql.SESSIONS, base) : null;
    Future<RowSet<Row>> pages = metrics.contains("pages")
        ? query(AnalyticsSql.PAGES, Tuple.of(project.id(), start, end, TOP_PAGES)) : null;
    return Future.all(java.util.Arrays.asList(totals, timeseries, byType, newVisitors, sessions, pages).stream()
            .filter(java.util.Objects::nonNull).toList())
        .map(done -> AnalyticsAnswer.build(project, range, metrics, totals.result().iterator().next(),
            timeseries == null ? null : timeseries.result(), byType == null ? null : byType.result(),
            newVisitors == null ? null : newVisitors.result().iterator().next().getLong(0),
            sessions == null ? null : sessions.result().iterator().next(), pages == null ? null : pages.result()));
  }

  private Future<RowSet<Row>> query(String sql, Tuple args) {
    return services.pool().preparedQuery(sql).execute(args);
  }

  /** Percent with two decimals; 0 when there is nothing to divide by. */
  static double percent(long part, long whole) {
    return whole == 0 ? 0.0 : BigDecimal.valueOf(part * 100.0 / whole).setScale(2, RoundingMode.HALF_UP).doubleValue();
  }
}

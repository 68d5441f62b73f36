package io.echotag.reports;

import io.echotag.Services;
import io.echotag.common.Times;
import io.echotag.config.EchoTagConfig;
import io.echotag.events.EventRows;
import io.echotag.http.ApiError;
import io.echotag.projects.Project;
import io.echotag.triggers.EvalContext;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Cursor;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Runs a report: streams the project's events in the window through a cursor ({@link #FETCH} rows
 * at a time, so memory holds the aggregation, not the events) and feeds them to the report's
 * aggregation. Filters are judged here, once per row, with the trigger condition language.
 */
final class ReportRunner {
  static final int FETCH = 2000;

  private ReportRunner() {
  }

  /** A run's answer: the results and the window they cover. */
  record Run(JsonObject results, DateRange.Window window, Instant generatedAt) {
  }

  static Future<Run> run(Services services, Project project, ReportDefinition report) {
    Pool pool = services.pool();
    EchoTagConfig.Reports limits = services.config().reports();
    Instant now = Instant.now();
    long started = System.nanoTime();
    DateRange.Window window = report.dateRange().resolve(project.timezone(), now);
    boolean visitors = report.readsVisitors();
    Aggregation aggregation;
    String sql;
    Tuple args = Tuple.of(project.id(), Times.utc(window.start()), Times.utc(window.end()));
    switch (report.type()) {
      case EVENTS -> {
        aggregation = new EventsAggregation(report.groupBy(), report.metrics(), project.timezone(),
            limits.maxRows(), limits.maxGroups());
        sql = ReportSql.events(visitors, false);
        args.addArrayOfString(report.filterEventTypes());
      }
      case FUNNEL -> {
        aggregation = new FunnelAggregation(report.steps(), report.windowMs());
        sql = ReportSql.events(visitors, true);
        String[] types = stepTypes(report.steps());
        args.addArrayOfString(types != null ? types : report.filterEventTypes());
      }
      default -> {
        aggregation = new RetentionAggregation(report.interval(), project.timezone(), window);
        sql = ReportSql.retention(visitors);
      }
    }
    boolean retention = report.type() == ReportDefinition.Type.RETENTION;
    long[] read = {0};
    return stream(pool, sql, args, row -> {
      if (++read[0] > limits.maxEvents()) {
        throw ApiError.unprocessable("date_range", "the report would read more than " + limits.maxEvents()
            + " events; narrow date_range (reports.max_events)");
      }
      aggregation.accept(reportRow(row, report, visitors || retention));
    }).map(v -> new Run(aggregation.results(), window, now))
        .onComplete(ar -> services.meters().reportRun(report.type().name().toLowerCase(Locale.ROOT),
            ar.succeeded() ? "ok" : "failed").record(System.nanoTime() - started, TimeUnit.NANOSECONDS));
  }

  /** The funnel's event types when every step is one, so that SQL reads only those; else null (all). */
  private static String[] stepTypes(List<FunnelStep> steps) {
    if (steps.stream().anyMatch(s -> s.eventType() == null)) {
      return null;
    }
    return steps.stream().map(FunnelStep::eventType).distinct().toArray(String[]::new);
  }

  private static ReportRow reportRow(Row row, ReportDefinition report, boolean withVisitor) {
    JsonObject event = EventRows.json(row);
    JsonObject visitor = new JsonObject().put("id", event.getString("visitor_id"));
    Instant firstSeen = null;
    if (withVisitor) {
      visitor.put("email", row.getString("email")).put("name", row.getString("name"))
          .put("traits", row.getJsonObject("traits")).put("event_count", row.getLong("event_count"))
          .put("session_count", row.getLong("session_count"));
      firstSeen = row.getOffsetDateTime("first_seen") == null ? null : row.getOffsetDateTime("first_seen").toInstant();
      visitor.put("first_seen", Times.format(firstSeen));
      if (report.readsVisitors() && row.getValue("tags") instanceof JsonArray tags) {
        visitor.put("tags", tags);
      }
    }
    Instant timestamp = row.getOffsetDateTime("timestamp").toInstant();
    boolean passes = report.filters().matches(EvalContext.of(event, visitor));
    return new ReportRow(event, timestamp, passes, visitor, firstSeen);
  }

  /** Reads every row of {@code sql} through a cursor in a read-only transaction, {@link #FETCH} at a time. */
  private static Future<Void> stream(Pool pool, String sql, Tuple args, Consumer<Row> sink) {
    return pool.withTransaction(conn -> conn.query("SET TRANSACTION READ ONLY").execute()
        .compose(v -> conn.prepare(sql))
        .compose(statement -> {
          Cursor cursor = statement.cursor(args);
          return drain(cursor, sink).eventually(cursor::close).eventually(statement::close);
        }));
  }

  private static Future<Void> drain(Cursor cursor, Consumer<Row> sink) {
    return cursor.read(FETCH).compose(rows -> {
      rows.forEach(sink);
      return cursor.hasMore() ? drain(cursor, sink) : Future.succeededFuture();
    });
  }
}

package io.echotag.sessions;

import io.echotag.Services;
import io.echotag.common.Times;
import io.echotag.http.ApiError;
import io.echotag.http.Auth;
import io.echotag.http.Page;
import io.echotag.http.Query;
import io.echotag.http.Replies.Reply;
import io.echotag.keys.Scope;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.time.Instant;
import java.time.OffsetDateTime;

import static io.echotag.http.Replies.reply;

/** {@code /v1/sessions}: sessions are written by the ingest transaction; here they are read. */
public final class SessionRoutes {
  static final String COLUMNS = "project_id, id, visitor_id, started_at, ended_at, event_count, entry_url, "
      + "exit_url, referrer";
  static final String LIST = "SELECT " + COLUMNS + " FROM sessions WHERE project_id = $1 "
      + "AND ($2::text IS NULL OR visitor_id = $2) AND ($3::timestamptz IS NULL OR started_at >= $3) "
      + "AND ($4::timestamptz IS NULL OR started_at < $4) ORDER BY started_at DESC, id DESC LIMIT $5 OFFSET $6";
  static final String GET = "SELECT " + COLUMNS + " FROM sessions WHERE project_id = $1 AND id = $2";

  private final Services services;

  private SessionRoutes(Services services) {
    this.services = services;
  }

  public static void mount(Router router, Services services) {
    SessionRoutes routes = new SessionRoutes(services);
    router.get("/v1/sessions").handler(Auth.require(Scope.READ)).handler(reply(routes::list));
    router.get("/v1/sessions/:id").handler(Auth.require(Scope.READ)).handler(reply(routes::get));
  }

  private Future<Reply> list(RoutingContext ctx) {
    Page page = Query.page(ctx);
    return services.projects().resolve(Auth.principal(ctx), Query.string(ctx, "project_id"))
        .compose(project -> {
          Instant start = Query.date(ctx, "start_date", project.timezone(), false);
          Instant end = Query.date(ctx, "end_date", project.timezone(), true);
          return services.pool().preparedQuery(LIST).execute(Tuple.of(project.id(), Query.string(ctx, "visitor_id"),
              Times.utc(start), Times.utc(end), page.fetch(), page.offset()));
        })
        .map(rows -> Reply.ok(page.of(rows, SessionRoutes::json)));
  }

  private Future<Reply> get(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    return services.projects().resolve(Auth.principal(ctx), Query.string(ctx, "project_id"))
        .compose(project -> services.pool().preparedQuery(GET).execute(Tuple.of(project.id(), id)))
        .map(rows -> {
          if (rows.size() == 0) {
            throw ApiError.notFound("session_not_found", "No session " + id + " in this project");
          }
          return Reply.ok(json(rows.iterator().next()));
        });
  }

  static JsonObject json(Row row) {
    OffsetDateTime started = row.getOffsetDateTime("started_at");
    OffsetDateTime ended = row.getOffsetDateTime("ended_at");
    return new JsonObject()
        .put("id", row.getString("id"))
        .put("project_id", row.getString("project_id"))
        .put("visitor_id", row.getString("visitor_id"))
        .put("started_at", Times.format(started))
        .put("ended_at", Times.format(ended))
        .put("duration_ms", ended.toInstant().toEpochMilli() - started.toInstant().toEpochMilli())
        .put("event_count", row.getLong("event_count"))
        .put("entry_url", row.getString("entry_url"))
        .put("exit_url", row.getString("exit_url"))
        .put("referrer", row.getString("referrer"));
  }
}

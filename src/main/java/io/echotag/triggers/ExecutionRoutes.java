package io.echotag.triggers;

import io.echotag.Services;
import io.echotag.common.Times;
import io.echotag.http.ApiError;
import io.echotag.http.Auth;
import io.echotag.http.Page;
import io.echotag.http.Query;
import io.echotag.http.Replies.Reply;
import io.echotag.keys.Scope;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.time.Instant;
import java.util.Set;

import static io.echotag.http.Replies.reply;

/** {@code /v1/executions}: what triggers did, with each action's outcome. */
public final class ExecutionRoutes {
  static final Set<String> STATUSES = Set.of("waiting", "running", "succeeded", "failed", "cancelled");
  static final String LIST = "SELECT " + TriggerSql.EXECUTION_COLUMNS + " FROM executions WHERE project_id = $1 "
      + "AND ($2::text IS NULL OR trigger_id = $2) AND ($3::text IS NULL OR visitor_id = $3) "
      + "AND ($4::text IS NULL OR status = $4) AND ($5::timestamptz IS NULL OR created_at >= $5) "
      + "AND ($6::timestamptz IS NULL OR created_at < $6) ORDER BY created_at DESC, id DESC LIMIT $7 OFFSET $8";
  static final String GET = "SELECT " + TriggerSql.EXECUTION_COLUMNS + " FROM executions WHERE project_id = $1 AND id = $2";

  private final Services services;

  private ExecutionRoutes(Services services) {
    this.services = services;
  }

  public static void mount(Router router, Services services) {
    ExecutionRoutes routes = new ExecutionRoutes(services);
    router.get("/v1/executions").handler(Auth.require(Scope.READ)).handler(reply(routes::list));
    router.get("/v1/executions/:id").handler(Auth.require(Scope.READ)).handler(reply(routes::get));
  }

  private Future<Reply> list(RoutingContext ctx) {
    Page page = Query.page(ctx);
    String status = Query.string(ctx, "status");
    if (status != null && !STATUSES.contains(status)) {
      throw ApiError.invalid("status", "status must be one of waiting, running, succeeded, failed, cancelled");
    }
    return services.projects().resolve(Auth.principal(ctx), Query.string(ctx, "project_id"))
        .compose(project -> {
          Instant start = Query.date(ctx, "start_date", project.timezone(), false);
          Instant end = Query.date(ctx, "end_date", project.timezone(), true);
          return services.pool().preparedQuery(LIST).execute(Tuple.tuple().addString(project.id())
              .addString(Query.string(ctx, "trigger_id")).addString(Query.string(ctx, "visitor_id"))
              .addString(status).addOffsetDateTime(Times.utc(start)).addOffsetDateTime(Times.utc(end))
              .addInteger(page.fetch()).addInteger(page.offset()));
        })
        .map(rows -> Reply.ok(page.of(rows, ExecutionRoutes::json)));
  }

  private Future<Reply> get(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    return services.projects().resolve(Auth.principal(ctx), Query.string(ctx, "project_id"))
        .compose(project -> services.pool().preparedQuery(GET).execute(Tuple.of(project.id(), id)))
        .map(rows -> {
          if (rows.size() == 0) {
            throw ApiError.notFound("execution_not_found", "No execution " + id + " in this project");
          }
          return Reply.ok(json(rows.iterator().next()));
        });
  }

  public static JsonObject json(Row row) {
    Object actions = row.getValue("actions");
    return new JsonObject()
        .put("id", row.getString("id"))
        .put("project_id", row.getString("project_id"))
        .put("trigger_id", row.getString("trigger_id"))
        .put("event_id", row.getString("event_id"))
        .put("visitor_id", row.getString("visitor_id"))
        .put("status", row.getString("status"))
        .put("scheduled_for", Times.format(row.getOffsetDateTime("scheduled_for")))
        .put("started_at", Times.format(row.getOffsetDateTime("started_at")))
        .put("finished_at", Times.format(row.getOffsetDateTime("finished_at")))
        .put("actions", actions instanceof JsonArray a ? a : new JsonArray())
        .put("reason", row.getString("reason"))
        .put("created_at", Times.format(row.getOffsetDateTime("created_at")));
  }
}

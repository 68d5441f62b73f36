package io.echotag.visitors;

import io.echotag.Services;
import io.echotag.analytics.AnalyticsRollups;
import io.echotag.common.Times;
import io.echotag.http.ApiError;
import io.echotag.http.Auth;
import io.echotag.http.Bodies;
import io.echotag.http.Page;
import io.echotag.http.Query;
import io.echotag.http.Replies.Reply;
import io.echotag.keys.Principal;
import io.echotag.keys.Scope;
import io.echotag.projects.Project;
import io.echotag.tags.Tags;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.time.Instant;

import static io.echotag.http.Replies.reply;

/** {@code /v1/visitors}: profiles (created by their first event), tags, and erasure. */
public final class VisitorRoutes {
  static final int EMAIL_MAX = 320;
  static final int NAME_MAX = 255;

  private final Services services;

  private VisitorRoutes(Services services) {
    this.services = services;
  }

  public static void mount(Router router, Services services) {
    VisitorRoutes routes = new VisitorRoutes(services);
    router.get("/v1/visitors").handler(Auth.require(Scope.READ)).handler(reply(routes::list));
    router.get("/v1/visitors/:visitor_id").handler(Auth.require(Scope.READ)).handler(reply(routes::get));
    router.patch("/v1/visitors/:visitor_id").handler(Auth.require(Scope.WRITE)).handler(reply(routes::update));
    router.delete("/v1/visitors/:visitor_id").handler(Auth.require(Scope.WRITE)).handler(reply(routes::erase));
    router.post("/v1/visitors/:visitor_id/tags").handler(Auth.require(Scope.WRITE)).handler(reply(routes::tag));
    router.delete("/v1/visitors/:visitor_id/tags/:tag_id").handler(Auth.require(Scope.WRITE))
        .handler(reply(routes::untag));
  }

  private Future<Reply> get(RoutingContext ctx) {
    String visitorId = ctx.pathParam("visitor_id");
    return project(ctx, Query.string(ctx, "project_id"))
        .compose(project -> profile(project.id(), visitorId))
        .map(Reply::ok);
  }

  private Future<Reply> list(RoutingContext ctx) {
    Page page = Query.page(ctx);
    String email = Query.string(ctx, "email");
    String tagId = Query.string(ctx, "tag_id");
    if (tagId == null) {
      return project(ctx, Query.string(ctx, "project_id"))
          .compose(project -> services.pool().preparedQuery(VisitorSql.LIST)
              .execute(Tuple.of(project.id(), email, page.fetch(), page.offset())))
          .map(rows -> Reply.ok(page.of(rows, VisitorRoutes::json)));
    }
    Principal principal = Auth.principal(ctx);
    return services.pool().preparedQuery(VisitorSql.TAG_PROJECT).execute(Tuple.of(tagId))
        .compose(rows -> rows.size() == 0
            ? Future.failedFuture(ApiError.notFound("tag_not_found", "No tag " + tagId))
            : services.projects().resolve(principal, rows.iterator().next().getString("project_id"))
                .recover(e -> Future.failedFuture(e instanceof ApiError
                    ? ApiError.notFound("tag_not_found", "No tag " + tagId) : e)))
        .compose(project -> services.pool().preparedQuery(VisitorSql.LIST_BY_TAG)
            .execute(Tuple.of(project.id(), tagId, email, page.fetch(), page.offset())))
        .map(rows -> Reply.ok(page.of(rows, VisitorRoutes::json)));
  }

  private Future<Reply> update(RoutingContext ctx) {
    String visitorId = ctx.pathParam("visitor_id");
    JsonObject body = Bodies.object(ctx);
    String email = Bodies.string(body, "email", EMAIL_MAX);
    String name = Bodies.string(body, "name", NAME_MAX);
    JsonObject traits = Bodies.object(body, "traits");
    return project(ctx, Bodies.projectId(ctx, body))
        .compose(project -> services.pool().preparedQuery(VisitorSql.UPDATE)
            // The JsonObject itself: a String bound to a jsonb parameter is sent as a JSON string.
            .execute(Tuple.of(project.id(), visitorId, email, name, traits))
            .compose(rows -> rows.size() == 0 ? Future.failedFuture(notFound(visitorId))
                : profile(project.id(), visitorId)))
        .map(Reply::ok);
  }

  private Future<Reply> erase(RoutingContext ctx) {
    String visitorId = ctx.pathParam("visitor_id");
    return project(ctx, Query.string(ctx, "project_id"))
        .compose(project -> AnalyticsRollups.withApplierHeld(services.pool(),
            conn -> conn.preparedQuery(VisitorSql.ERASE).execute(Tuple.of(project.id(), visitorId))))
        .map(rows -> {
          if (rows.size() == 0) {
            throw notFound(visitorId);
          }
          return Reply.noContent();
        });
  }

  /** Assigns by {@code tag_id} or by {@code tag} name (created if missing); {@code 201} the first time, {@code 200} after. */
  private Future<Reply> tag(RoutingContext ctx) {
    String visitorId = ctx.pathParam("visitor_id");
    JsonObject body = Bodies.object(ctx);
    String tagId = Bodies.string(body, "tag_id", 100);
    String tagName = Bodies.string(body, "tag", Tags.NAME_MAX);
    if (tagId == null && tagName == null) {
      throw ApiError.badRequest("missing_fields", "Missing required fields: tag_id or tag", "tag_id");
    }
    return project(ctx, Bodies.projectId(ctx, body)).compose(project -> services.pool().withTransaction(conn ->
        conn.preparedQuery(VisitorSql.EXISTS).execute(Tuple.of(project.id(), visitorId))
            .compose(rows -> rows.size() == 0 ? Future.failedFuture(notFound(visitorId))
                : tagId != null ? Tags.byId(conn, project.id(), tagId) : Tags.ensure(conn, project.id(), tagName))
            .compose(tag -> conn.preparedQuery(VisitorSql.ASSIGN_TAG)
                .execute(Tuple.of(project.id(), visitorId, tag.getString("id"), Times.utc(Instant.now())))
                .compose(rows -> rows.size() > 0
                    ? Future.succeededFuture(assignment(visitorId, tag, rows.iterator().next(), 201))
                    : conn.preparedQuery(VisitorSql.ASSIGNED_AT)
                        .execute(Tuple.of(project.id(), visitorId, tag.getString("id")))
                        .map(existing -> assignment(visitorId, tag, existing.iterator().next(), 200))))));
  }

  private Future<Reply> untag(RoutingContext ctx) {
    String visitorId = ctx.pathParam("visitor_id");
    String tagId = ctx.pathParam("tag_id");
    return project(ctx, Query.string(ctx, "project_id"))
        .compose(project -> Tags.byId(services.pool(), project.id(), tagId)
            .compose(tag -> services.pool().preparedQuery(VisitorSql.UNASSIGN_TAG)
                .execute(Tuple.of(project.id(), visitorId, tagId))))
        .map(rows -> Reply.noContent());
  }

  private Future<JsonObject> profile(String projectId, String visitorId) {
    return services.pool().preparedQuery(VisitorSql.GET).execute(Tuple.of(projectId, visitorId)).map(rows -> {
      if (rows.size() == 0) {
        throw notFound(visitorId);
      }
      return json(rows.iterator().next());
    });
  }

  private Future<Project> project(RoutingContext ctx, String requested) {
    return services.projects().resolve(Auth.principal(ctx), requested);
  }


  private static Reply assignment(String visitorId, JsonObject tag, Row row, int status) {
    return new Reply(status, new JsonObject()
        .put("visitor_id", visitorId)
        .put("tag_id", tag.getString("id"))
        .put("assigned_at", Times.format(row.getOffsetDateTime("assigned_at"))));
  }

  static ApiError notFound(String visitorId) {
    return ApiError.notFound("visitor_not_found", "No visitor " + visitorId + " in this project");
  }

  static JsonObject json(Row row) {
    Object tags = row.getValue("tags");
    return new JsonObject()
        .put("id", row.getString("visitor_id"))
        .put("project_id", row.getString("project_id"))
        .put("email", row.getString("email"))
        .put("name", row.getString("name"))
        .put("traits", row.getJsonObject("traits"))
        .put("first_seen", Times.format(row.getOffsetDateTime("first_seen")))
        .put("last_seen", Times.format(row.getOffsetDateTime("last_seen")))
        .put("event_count", row.getLong("event_count"))
        .put("session_count", row.getLong("session_count"))
        .put("tags", tags instanceof JsonArray array ? array : new JsonArray());
  }
}

package io.echotag.tags;

import io.echotag.Services;
import io.echotag.common.Ids;
import io.echotag.common.Times;
import io.echotag.http.ApiError;
import io.echotag.http.Auth;
import io.echotag.http.Bodies;
import io.echotag.http.Page;
import io.echotag.http.Query;
import io.echotag.http.Replies.Reply;
import io.echotag.keys.Scope;
import io.echotag.projects.Project;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Tuple;

import java.time.Instant;
import java.util.regex.Pattern;

import static io.echotag.http.Replies.reply;

/** {@code /v1/tags}. Names are unique per project: a duplicate is {@code 409 tag_exists}. */
public final class TagRoutes {
  static final String DEFAULT_COLOR = "#3B82F6";
  private static final Pattern COLOR = Pattern.compile("#[0-9A-Fa-f]{6}");

  private final Services services;

  private TagRoutes(Services services) {
    this.services = services;
  }

  public static void mount(Router router, Services services) {
    TagRoutes routes = new TagRoutes(services);
    router.post("/v1/tags").handler(Auth.require(Scope.WRITE)).handler(reply(routes::create));
    router.get("/v1/tags").handler(Auth.require(Scope.READ)).handler(reply(routes::list));
    router.get("/v1/tags/:id").handler(Auth.require(Scope.READ)).handler(reply(routes::get));
    router.patch("/v1/tags/:id").handler(Auth.require(Scope.WRITE)).handler(reply(routes::update));
    router.delete("/v1/tags/:id").handler(Auth.require(Scope.WRITE)).handler(reply(routes::delete));
  }

  private Future<Reply> create(RoutingContext ctx) {
    JsonObject body = Bodies.object(ctx);
    Bodies.require(body, "name");
    String name = Bodies.string(body, "name", Tags.NAME_MAX);
    String description = Bodies.string(body, "description", 1000);
    String color = color(body, DEFAULT_COLOR);
    return project(ctx, Bodies.projectId(ctx, body))
        .compose(project -> services.pool().preparedQuery(TagSql.INSERT)
            .execute(Tuple.of(Ids.next("tag"), project.id(), name, description, color, Times.utc(Instant.now()))))
        .map(rows -> Reply.created(Tags.json(rows.iterator().next()).put("visitor_count", 0)))
        .recover(e -> Future.failedFuture(duplicate(e, name)));
  }

  private Future<Reply> list(RoutingContext ctx) {
    Page page = Query.page(ctx);
    return project(ctx, Query.string(ctx, "project_id"))
        .compose(project -> services.pool().preparedQuery(TagSql.LIST)
            .execute(Tuple.of(project.id(), page.fetch(), page.offset())))
        .map(rows -> Reply.ok(page.of(rows, Tags::json)));
  }

  private Future<Reply> get(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    return project(ctx, Query.string(ctx, "project_id"))
        .compose(project -> services.pool().preparedQuery(TagSql.GET).execute(Tuple.of(project.id(), id)))
        .map(rows -> {
          if (rows.size() == 0) {
            throw Tags.notFound(id);
          }
          return Reply.ok(Tags.json(rows.iterator().next()));
        });
  }

  private Future<Reply> update(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    JsonObject body = Bodies.object(ctx);
    String[] newName = new String[1];
    return project(ctx, Bodies.projectId(ctx, body))
        .compose(project -> Tags.byId(services.pool(), project.id(), id).compose(current -> {
          newName[0] = body.containsKey("name") ? Bodies.string(body, "name", Tags.NAME_MAX)
              : current.getString("name");
          if (newName[0] == null) {
            throw ApiError.invalid("name", "name cannot be null");
          }
          String description = body.containsKey("description") ? Bodies.string(body, "description", 1000)
              : current.getString("description");
          String color = color(body, current.getString("color"));
          return services.pool().preparedQuery(TagSql.UPDATE)
              .execute(Tuple.of(project.id(), id, newName[0], description, color));
        }))
        .map(rows -> Reply.ok(Tags.json(rows.iterator().next())))
        .recover(e -> Future.failedFuture(duplicate(e, newName[0])));
  }

  private Future<Reply> delete(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    return project(ctx, Query.string(ctx, "project_id"))
        .compose(project -> services.pool().preparedQuery(TagSql.DELETE).execute(Tuple.of(project.id(), id)))
        .map(rows -> {
          if (rows.size() == 0) {
            throw Tags.notFound(id);
          }
          return Reply.noContent();
        });
  }

  private Future<Project> project(RoutingContext ctx, String requested) {
    return services.projects().resolve(Auth.principal(ctx), requested);
  }

  private static String color(JsonObject body, String fallback) {
    String color = Bodies.string(body, "color", 7);
    if (color == null) {
      return fallback;
    }
    if (!COLOR.matcher(color).matches()) {
      throw ApiError.invalid("color", "color must be #RRGGBB (got \"" + color + "\")");
    }
    return color.toUpperCase();
  }

  private static Throwable duplicate(Throwable e, String name) {
    if (e instanceof PgException pg && "23505".equals(pg.getSqlState())) {
      return ApiError.conflict("tag_exists", "A tag named \"" + name + "\" already exists in this project", "name");
    }
    return e;
  }

}

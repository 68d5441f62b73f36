package io.echotag.integrations;

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
import io.echotag.webhooks.AddressGuard;
import io.echotag.webhooks.DeliverySender;
import io.echotag.webhooks.TestSends;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.time.Instant;


import static io.echotag.http.Replies.reply;

/**
 * {@code /v1/integrations}: stored connections (an HTTP API or a Slack incoming webhook) so that
 * triggers carry no credentials inline. Secret config values are write-only: answers mask them.
 * A trigger action of type {@code integration} becomes a delivery with {@code integration_id},
 * sent by the delivery engine with the same retries, signing and breakers as webhooks.
 */
public final class IntegrationRoutes {
  static final String COLUMNS = "project_id, id, type, name, config, is_active, created_at, updated_at";

  private final Services services;
  private final AddressGuard guard;
  private final DeliverySender sender;

  private IntegrationRoutes(Vertx vertx, Services services) {
    this.services = services;
    this.guard = new AddressGuard(services.config().webhooks().allowPrivateNetworks());
    this.sender = new DeliverySender(vertx, services.config().webhooks(), services.config().webhooks().testTimeoutMs());
  }

  public static void mount(Router router, Vertx vertx, Services services) {
    IntegrationRoutes routes = new IntegrationRoutes(vertx, services);
    router.post("/v1/integrations").handler(Auth.require(Scope.WRITE)).handler(reply(routes::create));
    router.get("/v1/integrations").handler(Auth.require(Scope.READ)).handler(reply(routes::list));
    router.get("/v1/integrations/:id").handler(Auth.require(Scope.READ)).handler(reply(routes::get));
    router.patch("/v1/integrations/:id").handler(Auth.require(Scope.WRITE)).handler(reply(routes::update));
    router.delete("/v1/integrations/:id").handler(Auth.require(Scope.WRITE)).handler(reply(routes::delete));
    router.post("/v1/integrations/:id/test").handler(Auth.require(Scope.WRITE)).handler(reply(routes::test));
  }

  private Future<Reply> create(RoutingContext ctx) {
    JsonObject body = Bodies.object(ctx);
    Bodies.require(body, "type", "name", "config");
    String type = Bodies.string(body, "type", 20);
    String name = Bodies.string(body, "name", 200);
    JsonObject config = IntegrationConfig.validate(type, Bodies.object(body, "config"), null, guard);
    Boolean active = Bodies.bool(body, "is_active");
    return project(ctx, Bodies.projectId(ctx, body))
        .compose(project -> services.pool().preparedQuery("INSERT INTO integrations (" + COLUMNS + ") VALUES "
                + "($1, $2, $3, $4, $5, $6, $7, $7) RETURNING " + COLUMNS)
            .execute(Tuple.of(project.id(), Ids.next("int"), type, name, config, active == null || active,
                Times.utc(Instant.now()))))
        .map(rows -> Reply.created(json(rows.iterator().next())));
  }

  private Future<Reply> list(RoutingContext ctx) {
    Page page = Query.page(ctx);
    return project(ctx, Query.string(ctx, "project_id"))
        .compose(project -> services.pool().preparedQuery("SELECT " + COLUMNS + " FROM integrations "
                + "WHERE project_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2 OFFSET $3")
            .execute(Tuple.of(project.id(), page.fetch(), page.offset())))
        .map(rows -> Reply.ok(page.of(rows, IntegrationRoutes::json)));
  }

  private Future<Reply> get(RoutingContext ctx) {
    return project(ctx, Query.string(ctx, "project_id"))
        .compose(project -> integration(project, ctx.pathParam("id")))
        .map(row -> Reply.ok(json(row)));
  }

  private Future<Reply> update(RoutingContext ctx) {
    JsonObject body = Bodies.object(ctx);
    return project(ctx, Bodies.projectId(ctx, body))
        .compose(project -> integration(project, ctx.pathParam("id")).compose(row -> {
          String name = body.containsKey("name") ? Bodies.string(body, "name", 200) : row.getString("name");
          if (name == null) {
            throw ApiError.invalid("name", "name cannot be null");
          }
          JsonObject current = row.getJsonObject("config");
          JsonObject config = body.containsKey("config")
              ? IntegrationConfig.validate(row.getString("type"), Bodies.object(body, "config"), current, guard)
              : current;
          Boolean active = Bodies.bool(body, "is_active");
          return services.pool().preparedQuery("UPDATE integrations SET name = $3, config = $4, is_active = $5, "
                  + "updated_at = now() WHERE project_id = $1 AND id = $2 RETURNING " + COLUMNS)
              .execute(Tuple.of(project.id(), row.getString("id"), name, config,
                  active == null ? row.getBoolean("is_active") : active));
        }))
        .map(rows -> Reply.ok(json(rows.iterator().next())));
  }

  private Future<Reply> delete(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    return project(ctx, Query.string(ctx, "project_id"))
        .compose(project -> services.pool().preparedQuery("DELETE FROM integrations WHERE project_id = $1 AND id = $2")
            .execute(Tuple.of(project.id(), id)))
        .map(rows -> {
          if (rows.rowCount() == 0) {
            throw notFound(id);
          }
          return Reply.noContent();
        });
  }

  private Future<Reply> test(RoutingContext ctx) {
    JsonObject body = Bodies.object(ctx);
    return project(ctx, Bodies.projectId(ctx, body)).compose(project -> integration(project, ctx.pathParam("id"))
        .compose(row -> {
          String deliveryId = Ids.next("del");
          DeliverySender.Request request = IntegrationConfig.testRequest(deliveryId, project.id(),
              row.getString("type"), row.getJsonObject("config"));
          return TestSends.send(services.pool(), sender, project.id(), null, row.getString("id"), request);
        }))
        .map(Reply::ok);
  }

  private Future<Row> integration(Project project, String id) {
    return services.pool().preparedQuery("SELECT " + COLUMNS + " FROM integrations WHERE project_id = $1 AND id = $2")
        .execute(Tuple.of(project.id(), id))
        .map(rows -> {
          if (rows.size() == 0) {
            throw notFound(id);
          }
          return rows.iterator().next();
        });
  }

  private Future<Project> project(RoutingContext ctx, String requested) {
    return services.projects().resolve(Auth.principal(ctx), requested);
  }


  static ApiError notFound(String id) {
    return ApiError.notFound("integration_not_found", "No integration " + id + " in this project");
  }

  static JsonObject json(Row row) {
    return new JsonObject()
        .put("id", row.getString("id"))
        .put("project_id", row.getString("project_id"))
        .put("type", row.getString("type"))
        .put("name", row.getString("name"))
        .put("config", IntegrationConfig.masked(row.getString("type"), row.getJsonObject("config")))
        .put("is_active", row.getBoolean("is_active"))
        .put("created_at", Times.format(row.getOffsetDateTime("created_at")))
        .put("updated_at", Times.format(row.getOffsetDateTime("updated_at")));
  }

}

package io.echotag.triggers;

import io.echotag.Services;
import io.echotag.bus.Addresses;
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
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.util.regex.Pattern;

import static io.echotag.http.Replies.reply;

/** {@code /v1/triggers}: definitions (validated, {@code 422} naming the path) and {@code simulate}. */
public final class TriggerRoutes {
  private static final Pattern EVENT_TYPE = Pattern.compile("\\*|[A-Za-z0-9_.:-]{1,100}");

  private final Services services;
  private final AddressGuard guard;

  private TriggerRoutes(Services services) {
    this.services = services;
    this.guard = new AddressGuard(services.config().webhooks().allowPrivateNetworks());
  }

  public static void mount(Router router, Services services) {
    TriggerRoutes routes = new TriggerRoutes(services);
    router.post("/v1/triggers").handler(Auth.require(Scope.WRITE)).handler(reply(routes::create));
    router.get("/v1/triggers").handler(Auth.require(Scope.READ)).handler(reply(routes::list));
    router.get("/v1/triggers/:id").handler(Auth.require(Scope.READ)).handler(reply(routes::get));
    router.patch("/v1/triggers/:id").handler(Auth.require(Scope.WRITE)).handler(reply(routes::update));
    router.delete("/v1/triggers/:id").handler(Auth.require(Scope.WRITE)).handler(reply(routes::delete));
    router.post("/v1/triggers/:id/simulate").handler(Auth.require(Scope.READ))
        .handler(reply(ctx -> Simulation.run(ctx, services)));
  }

  /** A trigger definition as stored: validated, defaults applied. */
  record Definition(String name, String description, String eventType, JsonObject conditions, JsonArray actions,
                    JsonObject frequencyCap, boolean active) {
  }

  private Definition read(JsonObject body, Definition base) {
    if (base == null) {
      Bodies.require(body, "name", "event_type", "actions");
    }
    String name = body.containsKey("name") || base == null ? Bodies.string(body, "name", 200) : base.name;
    String description = body.containsKey("description") || base == null ? Bodies.string(body, "description", 2000)
        : base.description;
    String eventType = body.containsKey("event_type") || base == null ? Bodies.string(body, "event_type", 100)
        : base.eventType;
    if (name == null || eventType == null) {
      throw ApiError.invalid(name == null ? "name" : "event_type", (name == null ? "name" : "event_type")
          + " cannot be null");
    }
    if (!EVENT_TYPE.matcher(eventType).matches()) {
      throw ApiError.unprocessable("event_type", "event_type must be an event type or \"*\"");
    }
    JsonObject conditions = body.containsKey("conditions") || base == null
        ? Bodies.object(body, "conditions") : base.conditions;
    conditions = conditions == null ? new JsonObject() : conditions;
    Conditions.parse(conditions);
    JsonArray actions = body.containsKey("actions") || base == null
        ? Actions.validate(body.getValue("actions"), guard) : base.actions;
    JsonObject cap = body.containsKey("frequency_cap") || base == null ? Bodies.object(body, "frequency_cap")
        : base.frequencyCap;
    if (cap != null && !(cap.getValue("per_visitor_ms") instanceof Number n && n.longValue() > 0)) {
      throw ApiError.unprocessable("frequency_cap.per_visitor_ms", "frequency_cap.per_visitor_ms must be a positive number");
    }
    Boolean active = Bodies.bool(body, "is_active");
    return new Definition(name, description, eventType, conditions, actions, cap,
        active != null ? active : base == null || base.active);
  }

  private Future<Reply> create(RoutingContext ctx) {
    JsonObject body = Bodies.object(ctx);
    Definition d = read(body, null);
    return project(ctx, Bodies.projectId(ctx, body))
        .compose(project -> services.pool().preparedQuery(TriggerSql.INSERT).execute(Tuple.tuple()
            .addString(project.id()).addString(Ids.next("trig")).addString(d.name).addString(d.description)
            .addString(d.eventType).addValue(d.conditions).addValue(d.actions).addValue(d.frequencyCap)
            .addBoolean(d.active)))
        .map(rows -> {
          JsonObject created = json(rows.iterator().next());
          // Engines cache each project's active triggers: tell them (on every node) before answering.
          changed(ctx, created.getString("id"));
          return Reply.created(created);
        });
  }

  private Future<Reply> list(RoutingContext ctx) {
    Page page = Query.page(ctx);
    Boolean active = Query.bool(ctx, "is_active");
    return project(ctx, Query.string(ctx, "project_id"))
        .compose(project -> services.pool().preparedQuery(TriggerSql.LIST)
            .execute(Tuple.of(project.id(), active, page.fetch(), page.offset())))
        .map(rows -> Reply.ok(page.of(rows, TriggerRoutes::json)));
  }

  private Future<Reply> get(RoutingContext ctx) {
    return project(ctx, Query.string(ctx, "project_id"))
        .compose(project -> trigger(services, project, ctx.pathParam("id")))
        .map(row -> Reply.ok(json(row)));
  }

  private Future<Reply> update(RoutingContext ctx) {
    JsonObject body = Bodies.object(ctx);
    String id = ctx.pathParam("id");
    return project(ctx, Bodies.projectId(ctx, body))
        .compose(project -> trigger(services, project, id).compose(row -> {
          Definition next = read(body, definition(row));
          return services.pool().withTransaction(conn -> conn.preparedQuery(TriggerSql.UPDATE).execute(Tuple.tuple()
                  .addString(project.id()).addString(id).addString(next.name).addString(next.description)
                  .addString(next.eventType).addValue(next.conditions).addValue(next.actions)
                  .addValue(next.frequencyCap).addBoolean(next.active))
              .compose(updated -> (next.active ? Future.succeededFuture()
                  : conn.preparedQuery(TriggerSql.CANCEL_WAITING)
                      .execute(Tuple.of(project.id(), id, "the trigger was deactivated"))).map(updated)));
        }))
        .map(rows -> {
          changed(ctx, id);
          return Reply.ok(json(rows.iterator().next()));
        });
  }

  private Future<Reply> delete(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    return project(ctx, Query.string(ctx, "project_id"))
        .compose(project -> services.pool().withTransaction(conn -> conn.preparedQuery(TriggerSql.CANCEL_WAITING)
            .execute(Tuple.of(project.id(), id, "the trigger was deleted"))
            .compose(v -> conn.preparedQuery(TriggerSql.DELETE).execute(Tuple.of(project.id(), id)))))
        .map(rows -> {
          if (rows.size() == 0) {
            throw notFound(id);
          }
          changed(ctx, id);
          return Reply.noContent();
        });
  }

  private void changed(RoutingContext ctx, String id) {
    // The announcement below reaches this node's ingest filter on another event loop, maybe after
    // the client's next event: drop it here first, so that event already sees the change.
    services.triggerFilter().invalidate();
    ctx.vertx().eventBus().publish(Addresses.CONFIG_CHANGED, new JsonObject().put("kind", "trigger").put("id", id));
  }

  private Future<Project> project(RoutingContext ctx, String requested) {
    return services.projects().resolve(Auth.principal(ctx), requested);
  }

  static Future<Row> trigger(Services services, Project project, String id) {
    return services.pool().preparedQuery(TriggerSql.GET).execute(Tuple.of(project.id(), id)).map(rows -> {
      if (rows.size() == 0) {
        throw notFound(id);
      }
      return rows.iterator().next();
    });
  }


  static ApiError notFound(String id) {
    return ApiError.notFound("trigger_not_found", "No trigger " + id + " in this project");
  }

  private static Definition definition(Row row) {
    Object actions = row.getValue("actions");
    return new Definition(row.getString("name"), row.getString("description"), row.getString("event_type"),
        row.getJsonObject("conditions"), actions instanceof JsonArray a ? a : new JsonArray(),
        row.getJsonObject("frequency_cap"), row.getBoolean("is_active"));
  }

  static JsonObject json(Row row) {
    Object actions = row.getValue("actions");
    return new JsonObject()
        .put("id", row.getString("id"))
        .put("project_id", row.getString("project_id"))
        .put("name", row.getString("name"))
        .put("description", row.getString("description"))
        .put("event_type", row.getString("event_type"))
        .put("conditions", row.getJsonObject("conditions"))
        .put("actions", actions instanceof JsonArray a ? a : new JsonArray())
        .put("frequency_cap", row.getJsonObject("frequency_cap"))
        .put("is_active", row.getBoolean("is_active"))
        .put("created_at", Times.format(row.getOffsetDateTime("created_at")))
        .put("updated_at", Times.format(row.getOffsetDateTime("updated_at")))
        .put("stats", new JsonObject().put("executions", row.getLong("executions"))
            .put("last_executed_at", Times.format(row.getOffsetDateTime("last_executed_at"))));
  }
}

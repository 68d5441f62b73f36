package io.echotag.projects;

import io.echotag.Services;
import io.echotag.analytics.AnalyticsRollups;
import io.echotag.bus.Addresses;
import io.echotag.common.Ids;
import io.echotag.common.Times;
import io.echotag.http.ApiError;
import io.echotag.http.Auth;
import io.echotag.http.Bodies;
import io.echotag.http.Page;
import io.echotag.http.Query;
import io.echotag.http.Replies.Reply;
import io.echotag.keys.Principal;
import io.echotag.keys.Scope;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.regex.Pattern;

import static io.echotag.http.Replies.reply;

/** {@code /v1/projects}: reading needs {@code read}; creating, changing and deleting need {@code admin}. */
public final class ProjectRoutes {
  static final int NAME_MAX = 200;
  static final long MIN_SESSION_TIMEOUT_MS = 60_000;
  static final long MAX_SESSION_TIMEOUT_MS = 86_400_000;
  private static final Pattern EVENT_TYPE = Pattern.compile("[A-Za-z0-9_.:-]{1,100}");

  private final Services services;

  private ProjectRoutes(Services services) {
    this.services = services;
  }

  public static void mount(Router router, Services services) {
    ProjectRoutes routes = new ProjectRoutes(services);
    router.post("/v1/projects").handler(Auth.require(Scope.ADMIN)).handler(reply(routes::create));
    router.get("/v1/projects").handler(Auth.require(Scope.READ)).handler(reply(routes::list));
    router.get("/v1/projects/:id").handler(Auth.require(Scope.READ)).handler(reply(routes::get));
    router.patch("/v1/projects/:id").handler(Auth.require(Scope.ADMIN)).handler(reply(routes::update));
    router.delete("/v1/projects/:id").handler(Auth.require(Scope.ADMIN)).handler(reply(routes::delete));
  }

  private Future<Reply> create(RoutingContext ctx) {
    Principal caller = Auth.principal(ctx);
    if (caller.restricted()) {
      throw ApiError.forbidden("key_restricted", "A key restricted to some projects cannot create projects");
    }
    JsonObject body = Bodies.object(ctx);
    Bodies.require(body, "name");
    String name = Bodies.string(body, "name", NAME_MAX);
    String domain = Bodies.string(body, "domain", 255);
    String timezone = timezone(body, "UTC");
    JsonObject settings = settings(Bodies.object(body, "settings"), new JsonObject());
    return services.pool().preparedQuery(ProjectSql.INSERT)
        .execute(Tuple.of(Ids.next("proj"), caller.organizationId(), name, domain, timezone, settings,
            Times.utc(Instant.now())))
        .map(rows -> Reply.created(json(rows.iterator().next())));
  }

  private Future<Reply> list(RoutingContext ctx) {
    Principal caller = Auth.principal(ctx);
    Page page = Query.page(ctx);
    String[] only = caller.projectIds() == null ? null : caller.projectIds().toArray(String[]::new);
    return services.pool().preparedQuery(ProjectSql.LIST)
        .execute(Tuple.of(caller.organizationId(), only, page.fetch(), page.offset()))
        .map(rows -> Reply.ok(page.of(rows, ProjectRoutes::json)));
  }

  private Future<Reply> get(RoutingContext ctx) {
    return services.projects().resolve(Auth.principal(ctx), ctx.pathParam("id"))
        .compose(project -> services.pool().preparedQuery(ProjectSql.BY_ID).execute(Tuple.of(project.id())))
        .map(rows -> Reply.ok(json(rows.iterator().next())));
  }

  private Future<Reply> update(RoutingContext ctx) {
    Principal caller = Auth.principal(ctx);
    JsonObject body = Bodies.object(ctx);
    return services.projects().resolve(caller, ctx.pathParam("id"))
        .compose(project -> services.pool().preparedQuery(ProjectSql.BY_ID).execute(Tuple.of(project.id())))
        .compose(rows -> {
          Row current = rows.iterator().next();
          String name = body.containsKey("name") ? Bodies.string(body, "name", NAME_MAX) : current.getString("name");
          if (name == null) {
            throw ApiError.invalid("name", "name cannot be null");
          }
          String domain = body.containsKey("domain") ? Bodies.string(body, "domain", 255) : current.getString("domain");
          String timezone = timezone(body, current.getString("timezone"));
          JsonObject settings = body.containsKey("settings")
              ? settings(Bodies.object(body, "settings"), current.getJsonObject("settings"))
              : current.getJsonObject("settings");
          return services.pool().preparedQuery(ProjectSql.UPDATE)
              .execute(Tuple.of(current.getString("id"), caller.organizationId(), name, domain, timezone, settings));
        })
        .map(rows -> {
          Row row = rows.iterator().next();
          changed(ctx, row.getString("id"));
          return Reply.ok(json(row));
        });
  }

  private Future<Reply> delete(RoutingContext ctx) {
    Principal caller = Auth.principal(ctx);
    return services.projects().resolve(caller, ctx.pathParam("id"))
        .compose(project -> AnalyticsRollups.withApplierHeld(services.pool(),
                conn -> conn.preparedQuery(ProjectSql.DELETE).execute(Tuple.of(project.id(), caller.organizationId())))
            .map(rows -> {
              changed(ctx, project.id());
              return Reply.noContent();
            }));
  }

  private void changed(RoutingContext ctx, String projectId) {
    services.projects().invalidate(projectId);
    ctx.vertx().eventBus().publish(Addresses.CONFIG_CHANGED,
        new JsonObject().put("kind", "project").put("id", projectId).put("project_id", projectId));
  }

  private static String timezone(JsonObject body, String fallback) {
    String zone = Bodies.string(body, "timezone", 64);
    if (zone == null) {
      return fallback;
    }
    try {
      // ZoneId.of also takes offsets ("+02:00", "UTC+02:00"), which are not IANA zones and know no DST.
      String id = ZoneId.of(zone).getId();
      if (ZoneId.getAvailableZoneIds().contains(id)) {
        return id;
      }
    } catch (DateTimeException e) {
      // answered below
    }
    throw ApiError.invalid("timezone", "timezone must be an IANA time zone such as Europe/Paris (got \""
        + zone + "\")");
  }

  /** Validates the given settings and merges them over {@code current}, key by key. */
  static JsonObject settings(JsonObject given, JsonObject current) {
    JsonObject merged = current == null ? new JsonObject() : current.copy();
    if (given == null) {
      return merged;
    }
    List<String> types = strings(given, "conversion_event_types", 100);
    if (types != null) {
      for (int i = 0; i < types.size(); i++) {
        if (!EVENT_TYPE.matcher(types.get(i)).matches()) {
          throw ApiError.invalid("settings.conversion_event_types." + i,
              "settings.conversion_event_types." + i + " must be an event type of [A-Za-z0-9_.:-]");
        }
      }
      merged.put("conversion_event_types", new JsonArray(types));
    }
    Long timeout = number(given, "session_timeout_ms", MIN_SESSION_TIMEOUT_MS, MAX_SESSION_TIMEOUT_MS);
    if (timeout != null) {
      merged.put("session_timeout_ms", timeout);
    }
    Long retention = number(given, "retention_days", 0, 36_500);
    if (retention != null) {
      merged.put("retention_days", retention);
    }
    List<String> origins = strings(given, "allowed_origins", 255);
    if (origins != null) {
      merged.put("allowed_origins", new JsonArray(origins));
    }
    return merged;
  }

  /** A list setting; a failure names its path under {@code settings.}, like {@link #number}. */
  private static List<String> strings(JsonObject settings, String field, int maxLength) {
    try {
      return Bodies.strings(settings, field, maxLength);
    } catch (ApiError e) {
      throw ApiError.invalid("settings." + e.param(), "settings." + e.getMessage());
    }
  }

  private static Long number(JsonObject settings, String field, long min, long max) {
    try {
      return Bodies.number(settings, field, min, max);
    } catch (ApiError e) {
      throw ApiError.invalid("settings." + field, "settings." + e.getMessage());
    }
  }

  static JsonObject json(Row row) {
    Project project = ProjectCache.fromRow(row);
    JsonObject settings = new JsonObject()
        .put("conversion_event_types", new JsonArray(project.conversionEventTypes()))
        .put("session_timeout_ms", project.sessionTimeoutMs())
        .put("retention_days", project.settings().getLong("retention_days", (long) Project.DEFAULT_RETENTION_DAYS))
        .put("allowed_origins", new JsonArray(project.allowedOrigins()));
    return new JsonObject()
        .put("id", project.id())
        .put("name", project.name())
        .put("domain", project.domain())
        .put("timezone", project.timezone().getId())
        .put("settings", settings)
        .put("created_at", Times.format(row.getOffsetDateTime("created_at")))
        .put("updated_at", Times.format(row.getOffsetDateTime("updated_at")));
  }
}

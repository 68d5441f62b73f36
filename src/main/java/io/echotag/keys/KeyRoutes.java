package io.echotag.keys;

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
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import static io.echotag.http.Replies.reply;

/** {@code /v1/auth}: create, list and revoke keys (admin), and rotate the calling key (any key). */
public final class KeyRoutes {
  static final int NAME_MAX = 100;

  private final Services services;

  private KeyRoutes(Services services) {
    this.services = services;
  }

  public static void mount(Router router, Services services) {
    KeyRoutes routes = new KeyRoutes(services);
    router.post("/v1/auth/keys").handler(Auth.require(Scope.ADMIN)).handler(reply(routes::create));
    router.get("/v1/auth/keys").handler(Auth.require(Scope.ADMIN)).handler(reply(routes::list));
    router.delete("/v1/auth/keys/:id").handler(Auth.require(Scope.ADMIN)).handler(reply(routes::revoke));
    router.post("/v1/auth/rotate-key").handler(reply(routes::rotate));
  }

  private Future<Reply> create(RoutingContext ctx) {
    Principal caller = Auth.principal(ctx);
    JsonObject body = Bodies.object(ctx);
    Bodies.require(body, "name");
    String name = Bodies.string(body, "name", NAME_MAX);
    List<String> scopes = grantedScopes(caller, Bodies.strings(body, "scopes", 20));
    List<String> requested = Bodies.strings(body, "project_ids", 100);
    if (requested == null) {
      return insert(services.pool(), caller, name, scopes, caller.projectIds(), caller.defaultProjectId())
          .map(Reply::created);
    }
    if (requested.isEmpty()) {
      throw ApiError.invalid("project_ids", "project_ids must name at least one project when given");
    }
    List<String> projects = List.copyOf(new LinkedHashSet<>(requested));
    List<Future<?>> checks = new ArrayList<>();
    for (String project : projects) {
      checks.add(services.projects().resolve(caller, project));
    }
    return Future.all(checks)
        .compose(ok -> insert(services.pool(), caller, name, scopes, projects, projects.get(0)))
        .map(Reply::created);
  }

  private Future<Reply> list(RoutingContext ctx) {
    Principal caller = Auth.principal(ctx);
    Page page = Query.page(ctx);
    return services.pool().preparedQuery(KeySql.LIST)
        .execute(Tuple.of(caller.organizationId(), projectArray(caller.projectIds()), page.fetch(), page.offset()))
        .map(rows -> Reply.ok(page.of(rows, KeyRows::json)));
  }

  private Future<Reply> revoke(RoutingContext ctx) {
    Principal caller = Auth.principal(ctx);
    String id = ctx.pathParam("id");
    return services.pool().preparedQuery(KeySql.REVOKE)
        .execute(Tuple.of(id, caller.organizationId(), projectArray(caller.projectIds())))
        .compose(rows -> {
          if (rows.size() == 0) {
            return Future.failedFuture(ApiError.notFound("key_not_found", "No API key " + id));
          }
          changed(ctx, id);
          return Future.succeededFuture(Reply.noContent());
        });
  }

  /** Issues a new key like the caller's; the old one keeps working for the grace period. */
  private Future<Reply> rotate(RoutingContext ctx) {
    Principal caller = Auth.principal(ctx);
    Instant oldExpires = Instant.now().plusMillis(services.config().keys().rotationGraceMs());
    List<String> scopes = caller.scopes().stream().map(Scope::wire).toList();
    return services.pool().withTransaction(conn -> insert(conn, caller, caller.name(), scopes,
            caller.projectIds(), caller.defaultProjectId())
            .compose(created -> conn.preparedQuery(KeySql.EXPIRE)
                .execute(Tuple.of(caller.keyId(), Times.utc(oldExpires)))
                .map(rows -> new JsonObject()
                    .put("new_api_key", created.getString("key"))
                    .put("key_id", created.getString("id"))
                    .put("old_key_expires_at", Times.format(rows.iterator().next().getOffsetDateTime("expires_at"))))))
        .map(answer -> {
          changed(ctx, caller.keyId());
          return Reply.ok(answer);
        });
  }

  private static Future<JsonObject> insert(SqlClient client, Principal caller, String name, List<String> scopes,
                                           List<String> projects, String defaultProject) {
    String key = ApiKeys.generate();
    return client.preparedQuery(KeySql.INSERT).execute(Tuple.tuple()
            .addString(Ids.next("key"))
            .addString(caller.organizationId())
            .addString(name)
            .addString(ApiKeys.hash(key))
            .addString(ApiKeys.shownPrefix(key))
            .addArrayOfString(scopes.toArray(String[]::new))
            .addArrayOfString(projectArray(projects))
            .addString(defaultProject)
            .addOffsetDateTime(Times.utc(Instant.now())))
        .map(rows -> KeyRows.json(rows.iterator().next()).put("key", key));
  }

  /** The scopes asked for (default ingest, read, write), each one the caller must hold itself. */
  private static List<String> grantedScopes(Principal caller, List<String> requested) {
    List<String> wanted = requested == null ? Scope.DEFAULT_FOR_NEW_KEYS : requested;
    Set<String> out = new LinkedHashSet<>();
    for (String name : wanted) {
      Scope scope = Scope.fromWire(name);
      if (scope == null) {
        throw ApiError.invalid("scopes", "scopes: unknown scope \"" + name + "\" (expected one of "
            + String.join(", ", Scope.ALL) + ")");
      }
      if (!caller.has(scope)) {
        throw ApiError.forbidden("scope_not_held", "A key can only grant scopes it holds; this key lacks '"
            + name + "'");
      }
      out.add(name);
    }
    if (out.isEmpty()) {
      throw ApiError.invalid("scopes", "scopes must name at least one scope");
    }
    return List.copyOf(out);
  }

  private static String[] projectArray(List<String> projects) {
    return projects == null ? null : projects.toArray(String[]::new);
  }

  /** Drops the key from this node's cache now, and tells the other nodes. */
  private void changed(RoutingContext ctx, String keyId) {
    services.keys().invalidate(keyId);
    ctx.vertx().eventBus().publish(Addresses.CONFIG_CHANGED, new JsonObject().put("kind", "key").put("id", keyId));
  }
}

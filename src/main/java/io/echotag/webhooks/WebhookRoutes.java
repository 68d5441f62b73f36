package io.echotag.webhooks;

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
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.time.Instant;
import java.util.List;
import java.util.Set;

import static io.echotag.http.Replies.reply;

/**
 * {@code /v1/webhooks}: definitions, a test send, attempt logs, manual retry, recovery after an
 * outage and secret rotation. Sending is the {@link DeliveryVerticle}'s job; handlers only
 * write to the database and wake it.
 */
public final class WebhookRoutes {
  static final long SECRET_GRACE_SECONDS = 24 * 3600;
  static final Set<String> LOG_STATUSES = Set.of("pending", "succeeded", "failed", "retrying");

  private final Services services;
  private final Vertx vertx;
  private final AddressGuard guard;
  private final DeliverySender sender;

  private WebhookRoutes(Vertx vertx, Services services) {
    this.vertx = vertx;
    this.services = services;
    this.guard = new AddressGuard(services.config().webhooks().allowPrivateNetworks());
    this.sender = new DeliverySender(vertx, services.config().webhooks(), services.config().webhooks().testTimeoutMs());
  }

  public static void mount(Router router, Vertx vertx, Services services) {
    WebhookRoutes routes = new WebhookRoutes(vertx, services);
    router.post("/v1/webhooks").handler(Auth.require(Scope.WRITE)).handler(reply(routes::create));
    router.get("/v1/webhooks").handler(Auth.require(Scope.READ)).handler(reply(routes::list));
    router.get("/v1/webhooks/:id").handler(Auth.require(Scope.READ)).handler(reply(routes::get));
    router.put("/v1/webhooks/:id").handler(Auth.require(Scope.WRITE)).handler(reply(ctx -> routes.update(ctx, true)));
    router.patch("/v1/webhooks/:id").handler(Auth.require(Scope.WRITE)).handler(reply(ctx -> routes.update(ctx, false)));
    router.delete("/v1/webhooks/:id").handler(Auth.require(Scope.WRITE)).handler(reply(routes::delete));
    router.post("/v1/webhooks/:id/test").handler(Auth.require(Scope.WRITE)).handler(reply(routes::test));
    router.get("/v1/webhooks/:id/logs").handler(Auth.require(Scope.READ)).handler(reply(routes::logs));
    router.post("/v1/webhooks/:id/deliveries/:delivery_id/retry").handler(Auth.require(Scope.WRITE))
        .handler(reply(routes::retry));
    router.post("/v1/webhooks/:id/recover").handler(Auth.require(Scope.WRITE)).handler(reply(routes::recover));
    router.post("/v1/webhooks/:id/rotate-secret").handler(Auth.require(Scope.WRITE)).handler(reply(routes::rotate));
  }

  private Future<Reply> create(RoutingContext ctx) {
    JsonObject body = Bodies.object(ctx);
    WebhookInput input = WebhookInput.read(body, WebhookInput.defaults(), true, guard);
    String secret = input.secret() != null ? input.secret() : Signer.newSecret();
    return project(ctx, Bodies.projectId(ctx, body))
        .compose(project -> resolvable(input.url()).map(project))
        .compose(project -> services.pool().preparedQuery(WebhookSql.INSERT).execute(Tuple.tuple()
            .addString(project.id())
            .addString(Ids.next("wh"))
            .addString(input.name())
            .addString(input.url())
            .addString(input.method())
            .addValue(input.headers())
            .addArrayOfString(input.events().toArray(String[]::new))
            .addBoolean(input.active())
            .addValue(input.retry().toJson())
            .addString(secret)))
        .map(rows -> Reply.created(json(rows.iterator().next())));
  }

  private Future<Reply> list(RoutingContext ctx) {
    Page page = Query.page(ctx);
    return project(ctx, Query.string(ctx, "project_id"))
        .compose(project -> services.pool().preparedQuery(WebhookSql.LIST)
            .execute(Tuple.of(project.id(), page.fetch(), page.offset())))
        .map(rows -> Reply.ok(page.of(rows, this::json)));
  }

  private Future<Reply> get(RoutingContext ctx) {
    return project(ctx, Query.string(ctx, "project_id"))
        .compose(project -> webhook(project, ctx.pathParam("id")))
        .map(row -> Reply.ok(json(row)));
  }

  /** {@code PUT} replaces every field (absent ones take their defaults); {@code PATCH} changes the given ones. */
  private Future<Reply> update(RoutingContext ctx, boolean replace) {
    JsonObject body = Bodies.object(ctx);
    return project(ctx, Bodies.projectId(ctx, body))
        .compose(project -> webhook(project, ctx.pathParam("id")).compose(row -> {
          WebhookInput current = input(row);
          WebhookInput base = replace ? WebhookInput.defaults() : current;
          WebhookInput next = WebhookInput.read(body, base, replace, guard);
          String secret = next.secret() != null ? next.secret() : current.secret();
          return resolvable(next.url())
              .compose(v -> services.pool().preparedQuery(WebhookSql.UPDATE).execute(Tuple.tuple()
                  .addString(project.id())
                  .addString(row.getString("id"))
                  .addString(next.name())
                  .addString(next.url())
                  .addString(next.method())
                  .addValue(next.headers())
                  .addArrayOfString(next.events().toArray(String[]::new))
                  .addBoolean(next.active())
                  .addValue(next.retry().toJson())
                  .addString(secret)));
        }))
        .map(rows -> {
          changed(ctx);
          return Reply.ok(json(rows.iterator().next()));
        });
  }

  private Future<Reply> delete(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    return project(ctx, Query.string(ctx, "project_id"))
        .compose(project -> services.pool().preparedQuery(WebhookSql.DELETE).execute(Tuple.of(project.id(), id)))
        .map(rows -> {
          if (rows.size() == 0) {
            throw notFound(id);
          }
          changed(ctx);
          return Reply.noContent();
        });
  }

  /** Sends one delivery now, outside the queue and the breaker, records it, and answers its outcome. */
  private Future<Reply> test(RoutingContext ctx) {
    JsonObject body = Bodies.object(ctx);
    JsonObject data = Bodies.object(body, "test_data");
    return project(ctx, Bodies.projectId(ctx, body)).compose(project -> webhook(project, ctx.pathParam("id"))
        .compose(row -> {
          String deliveryId = Ids.next("del");
          JsonObject payload = new JsonObject()
              .put("id", deliveryId)
              .put("type", "test_event")
              .put("created_at", Times.format(Instant.now()))
              .put("project_id", project.id())
              .put("data", data != null ? data : new JsonObject().put("message", "A test event from EchoTag"));
          WebhookInput webhook = input(row);
          DeliverySender.Request request = new DeliverySender.Request(deliveryId, webhook.url(), webhook.method(),
              webhook.headers(), payload.encode(), signingSecrets(row));
          return TestSends.send(services.pool(), sender, project.id(), row.getString("id"), null, request);
        }))
        .map(Reply::ok);
  }

  private Future<Reply> logs(RoutingContext ctx) {
    Page page = Query.page(ctx);
    String status = Query.string(ctx, "status");
    if (status != null && !LOG_STATUSES.contains(status)) {
      throw ApiError.invalid("status", "status must be one of pending, succeeded, failed, retrying");
    }
    String id = ctx.pathParam("id");
    return project(ctx, Query.string(ctx, "project_id"))
        .compose(project -> webhook(project, id).compose(row -> {
          Instant start = Query.date(ctx, "start_date", project.timezone(), false);
          Instant end = Query.date(ctx, "end_date", project.timezone(), true);
          if ("pending".equals(status)) {
            return services.pool().preparedQuery(WebhookSql.PENDING_LOGS)
                .execute(Tuple.of(project.id(), id, Times.utc(start), Times.utc(end), page.fetch(), page.offset()))
                .map(rows -> page.of(rows, WebhookRoutes::pendingEntry));
          }
          return services.pool().preparedQuery(WebhookSql.LOGS)
              .execute(Tuple.of(project.id(), id, status, Times.utc(start), Times.utc(end), page.fetch(),
                  page.offset()))
              .map(rows -> page.of(rows, WebhookRoutes::attemptEntry));
        }))
        .map(Reply::ok);
  }

  private Future<Reply> retry(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    String deliveryId = ctx.pathParam("delivery_id");
    return project(ctx, Query.string(ctx, "project_id"))
        .compose(project -> webhook(project, id).compose(row -> services.pool().preparedQuery(WebhookSql.RETRY)
            .execute(Tuple.of(project.id(), id, deliveryId))
            .compose(rows -> rows.size() > 0 ? Future.succeededFuture()
                : services.pool().preparedQuery(WebhookSql.DELIVERY_STATUS).execute(Tuple.of(project.id(), id, deliveryId))
                    .compose(status -> Future.failedFuture(status.size() == 0
                        ? ApiError.notFound("delivery_not_found", "No delivery " + deliveryId + " for webhook " + id)
                        : ApiError.conflict("delivery_not_failed", "Delivery " + deliveryId + " is "
                            + status.iterator().next().getString("status") + "; only failed deliveries are retried",
                            "delivery_id"))))))
        .map(v -> {
          wake();
          return new Reply(202, new JsonObject().put("delivery_id", deliveryId).put("status", "pending"));
        });
  }

  private Future<Reply> recover(RoutingContext ctx) {
    JsonObject body = Bodies.object(ctx);
    Bodies.require(body, "since");
    Instant since = body.getValue("since") instanceof String s ? Times.parseInstant(s) : null;
    if (since == null) {
      throw ApiError.invalid("since", "since must be an ISO-8601 instant");
    }
    String id = ctx.pathParam("id");
    return project(ctx, Bodies.projectId(ctx, body))
        .compose(project -> webhook(project, id).compose(row -> services.pool().preparedQuery(WebhookSql.RECOVER)
            .execute(Tuple.of(project.id(), id, Times.utc(since)))))
        .map(rows -> {
          wake();
          return new Reply(202, new JsonObject().put("recovered", rows.rowCount()));
        });
  }

  private Future<Reply> rotate(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    return project(ctx, Query.string(ctx, "project_id"))
        .compose(project -> services.pool().preparedQuery(WebhookSql.ROTATE)
            .execute(Tuple.of(project.id(), id, Signer.newSecret(), SECRET_GRACE_SECONDS)))
        .map(rows -> {
          if (rows.size() == 0) {
            throw notFound(id);
          }
          changed(ctx);
          return Reply.ok(json(rows.iterator().next()));
        });
  }

  /** A host name that resolves to a refused address is refused now ({@code 422}); one that does not resolve yet is accepted. */
  private Future<Void> resolvable(String url) {
    String host = AddressGuard.host(java.net.URI.create(url));
    if (AddressGuard.literal(host) != null) {
      return Future.succeededFuture();
    }
    return vertx.executeBlocking(() -> java.net.InetAddress.getAllByName(host), false)
        .timeout(2, java.util.concurrent.TimeUnit.SECONDS)
        .transform(ar -> {
          if (ar.succeeded()) {
            for (java.net.InetAddress address : ar.result()) {
              if (!guard.allows(address)) {
                return Future.failedFuture(ApiError.unprocessable("url", "url host " + host
                    + " resolves to a refused address (" + address.getHostAddress() + ")"));
              }
            }
          }
          return Future.succeededFuture();
        });
  }

  private Future<Row> webhook(Project project, String id) {
    return services.pool().preparedQuery(WebhookSql.GET).execute(Tuple.of(project.id(), id)).map(rows -> {
      if (rows.size() == 0) {
        throw notFound(id);
      }
      return rows.iterator().next();
    });
  }

  private Future<Project> project(RoutingContext ctx, String requested) {
    return services.projects().resolve(Auth.principal(ctx), requested);
  }

  private void changed(RoutingContext ctx) {
    ctx.vertx().eventBus().publish(Addresses.CONFIG_CHANGED, new JsonObject().put("kind", "webhook")
        .put("id", ctx.pathParam("id")));
  }

  private void wake() {
    vertx.eventBus().publish(Addresses.DELIVERIES_WAKE, null);
  }


  static ApiError notFound(String id) {
    return ApiError.notFound("webhook_not_found", "No webhook " + id + " in this project");
  }

  /** The secrets in force: the current one, and the previous one during a rotation's grace period. */
  static List<String> signingSecrets(Row row) {
    java.time.OffsetDateTime previousUntil = row.getOffsetDateTime("previous_secret_expires_at");
    if (row.getString("previous_secret") != null && previousUntil != null
        && previousUntil.isAfter(java.time.OffsetDateTime.now())) {
      return List.of(row.getString("secret"), row.getString("previous_secret"));
    }
    return List.of(row.getString("secret"));
  }

  static WebhookInput input(Row row) {
    return new WebhookInput(row.getString("name"), row.getString("url"), row.getString("method"),
        row.getJsonObject("headers"), List.of(row.getArrayOfStrings("events")), row.getBoolean("is_active"),
        RetryConfig.from(row.getJsonObject("retry_config"), RetryConfig.DEFAULT), row.getString("secret"));
  }

  private JsonObject json(Row row) {
    return new JsonObject()
        .put("id", row.getString("id"))
        .put("project_id", row.getString("project_id"))
        .put("name", row.getString("name"))
        .put("url", row.getString("url"))
        .put("method", row.getString("method"))
        .put("headers", row.getJsonObject("headers"))
        .put("events", new JsonArray(List.of(row.getArrayOfStrings("events"))))
        .put("is_active", row.getBoolean("is_active"))
        .put("disabled_reason", row.getString("disabled_reason"))
        .put("retry_config", RetryConfig.from(row.getJsonObject("retry_config"), RetryConfig.DEFAULT).toJson())
        .put("secret", row.getString("secret"))
        .put("circuit_state", services.breakers().state("wh:" + row.getString("id")))
        .put("created_at", Times.format(row.getOffsetDateTime("created_at")))
        .put("updated_at", Times.format(row.getOffsetDateTime("updated_at")));
  }

  static JsonObject attemptEntry(Row row) {
    return new JsonObject()
        .put("id", row.getString("id"))
        .put("delivery_id", row.getString("delivery_id"))
        .put("webhook_id", row.getString("webhook_id"))
        .put("event_id", row.getString("event_id"))
        .put("event_type", row.getString("event_type"))
        .put("attempt", row.getInteger("attempt"))
        .put("status", row.getString("status"))
        .put("status_code", row.getInteger("status_code"))
        .put("duration_ms", row.getInteger("duration_ms"))
        .put("error_code", row.getString("error_code"))
        .put("error", row.getString("error"))
        .put("request", row.getJsonObject("request"))
        .put("response", row.getJsonObject("response"))
        .put("next_retry_at", Times.format(row.getOffsetDateTime("next_retry_at")))
        .put("created_at", Times.format(row.getOffsetDateTime("created_at")));
  }

  static JsonObject pendingEntry(Row row) {
    return new JsonObject()
        .put("id", null)
        .put("delivery_id", row.getString("delivery_id"))
        .put("webhook_id", row.getString("webhook_id"))
        .put("event_id", row.getString("event_id"))
        .put("event_type", row.getString("event_type"))
        .put("attempt", 0)
        .put("status", "pending")
        .put("next_retry_at", Times.format(row.getOffsetDateTime("next_attempt_at")))
        .put("created_at", Times.format(row.getOffsetDateTime("created_at")));
  }
}

package io.echotag.http;

import io.echotag.Services;
import io.echotag.analytics.StreamTokens;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.micrometer.PrometheusScrapingHandler;

import java.util.Map;
import java.util.Set;

/**
 * The handlers every request passes before a feature sees it, in order: request id, CORS
 * preflight, content type, body (with its limit), authentication for {@code /v1}; then the one
 * failure handler. Also the platform endpoints: {@code /health/*} and {@code /metrics}.
 */
public final class HttpPlatform {
  /** Paths whose bodies may be larger than {@code http.body_limit}. */
  public static final Set<String> BATCH_PATHS = Set.of("/v1/events/batch");

  private HttpPlatform() {
  }

  public static void mountBefore(Router router, Services services) {
    BodyHandler body = BodyHandler.create(false).setBodyLimit(services.config().http().bodyLimit());
    BodyHandler batchBody = BodyHandler.create(false).setBodyLimit(services.config().ingest().batchBodyLimit());
    Auth auth = new Auth(services.keys(), services.projects(),
        services.config().rateLimit().enabled() ? services.rateLimiter() : null,
        Map.of(StreamTokens.STREAM_PATH, new StreamTokens(services.pool())::verify));

    router.route().handler(RequestIds::assign);
    router.route().handler(Cors::preflight);
    router.route().handler(HttpPlatform::requireJson);
    router.route().handler(ctx -> (BATCH_PATHS.contains(ctx.normalizedPath()) ? batchBody : body).handle(ctx));
    mountErrors(router, services);
    mountProbes(router, services);
    // A route without a path: one with a path ("/v1/*") is reported to the metrics as a matched
    // route, and every request's route label would read "/v1/>/v1/events" instead of "/v1/events".
    router.route().handler(ctx -> {
      if (isApiPath(ctx.normalizedPath())) {
        auth.authenticate(ctx);
      } else {
        ctx.next();
      }
    });
  }

  /** The one failure handler, and the API error shape for what no route answers. */
  static void mountErrors(Router router, Services services) {
    router.route().failureHandler(services.failures()::handle);
    for (int status : new int[] {404, 405, 413, 415}) {
      router.errorHandler(status, ctx -> Failures.send(ctx, services.failures().toApiError(null, status)));
    }
  }

  /** {@code /health/live}, {@code /health/ready} and {@code /metrics}: served on every node, API or not. */
  static void mountProbes(Router router, Services services) {
    router.get("/health/live").handler(ctx -> Replies.json(ctx, 200, new JsonObject().put("status", "up")));
    router.get("/health/ready").handler(ctx -> ready(ctx, services));
    router.get("/metrics").handler(PrometheusScrapingHandler.create(services.registry()));
  }

  /** What {@code /v1/*} matches: {@code /v1} and everything under it. */
  static boolean isApiPath(String path) {
    return path.equals("/v1") || path.startsWith("/v1/");
  }

  private static void ready(RoutingContext ctx, Services services) {
    services.pool().query("SELECT version FROM flyway_schema_history ORDER BY installed_rank DESC LIMIT 1")
        .execute()
        .onSuccess(rows -> Replies.json(ctx, 200, new JsonObject().put("status", "ready").put("database", "up")
            .put("schema_version", rows.iterator().next().getString("version"))))
        .onFailure(e -> {
          ctx.response().putHeader("Retry-After", Integer.toString(services.config().retryAfterSeconds()));
          Replies.json(ctx, 503, new JsonObject().put("status", "unavailable").put("database", "down"));
        });
  }

  /** A request that carries a body must say it is JSON: {@code 415} otherwise, before the body is read. */
  private static void requireJson(RoutingContext ctx) {
    HttpMethod method = ctx.request().method();
    boolean writes = method == HttpMethod.POST || method == HttpMethod.PUT || method == HttpMethod.PATCH;
    if (!writes || !hasBody(ctx)) {
      ctx.next();
      return;
    }
    String type = ctx.request().getHeader("Content-Type");
    String mime = type == null ? "" : type.split(";", 2)[0].trim().toLowerCase();
    if (mime.equals("application/json") || (mime.startsWith("application/") && mime.endsWith("+json"))) {
      ctx.next();
    } else {
      ctx.fail(ApiError.unsupportedMediaType(
          "Content-Type must be application/json" + (type == null ? "" : " (got " + type + ")")));
    }
  }

  private static boolean hasBody(RoutingContext ctx) {
    String length = ctx.request().getHeader("Content-Length");
    if (length != null) {
      return !length.trim().equals("0");
    }
    return ctx.request().getHeader("Transfer-Encoding") != null;
  }
}

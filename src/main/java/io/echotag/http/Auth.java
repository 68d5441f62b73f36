package io.echotag.http;

import io.echotag.keys.KeyCache;
import io.echotag.keys.Principal;
import io.echotag.keys.Scope;
import io.echotag.projects.ProjectCache;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;

import java.util.Map;
import java.util.function.Function;

/**
 * Authenticates {@code /v1} requests by bearer key, applies the per-key rate limit, and checks
 * the browser origin of ingest-only keys against their project's {@code allowed_origins}.
 *
 * <p>A few paths also accept {@code ?access_token=} without an Authorization header (browsers'
 * {@code EventSource} cannot send one): {@code queryTokens} maps each such path to the verifier
 * of its own kind of token, so a token is good for that path only.
 */
public final class Auth {
  static final String PRINCIPAL = "echotag.principal";

  private final KeyCache keys;
  private final ProjectCache projects;
  private final RateLimiter limiter;
  private final Map<String, Function<String, Future<Principal>>> queryTokens;

  public Auth(KeyCache keys, ProjectCache projects, RateLimiter limiter) {
    this(keys, projects, limiter, Map.of());
  }

  public Auth(KeyCache keys, ProjectCache projects, RateLimiter limiter,
              Map<String, Function<String, Future<Principal>>> queryTokens) {
    this.keys = keys;
    this.projects = projects;
    this.limiter = limiter;
    this.queryTokens = queryTokens;
  }

  /** The authenticated caller; present on every {@code /v1} route. */
  public static Principal principal(RoutingContext ctx) {
    return ctx.get(PRINCIPAL);
  }

  /** A handler that refuses callers whose key lacks {@code scope} with {@code 403}. */
  public static Handler<RoutingContext> require(Scope scope) {
    return ctx -> {
      if (principal(ctx).has(scope)) {
        ctx.next();
      } else {
        ctx.fail(ApiError.forbidden("insufficient_scope", "This API key lacks the '" + scope.wire() + "' scope"));
      }
    };
  }

  void authenticate(RoutingContext ctx) {
    String token = bearer(ctx.request().getHeader("Authorization"));
    Function<String, Future<Principal>> queryToken = queryTokens.get(ctx.normalizedPath());
    String accessToken = ctx.request().getParam("access_token");
    if (token == null && queryToken != null && accessToken != null && !accessToken.isEmpty()) {
      queryToken.apply(accessToken)
          .compose(principal -> principal == null
              ? Future.failedFuture(ApiError.unauthenticated("invalid_access_token",
                  "Invalid or expired access_token"))
              : Future.succeededFuture(principal))
          .onSuccess(principal -> {
            ctx.put(PRINCIPAL, principal);
            Cors.allow(ctx, ctx.request().getHeader("Origin"));
            ctx.next();
          })
          .onFailure(ctx::fail);
      return;
    }
    if (token == null) {
      ctx.fail(ApiError.unauthenticated("missing_api_key",
          "Missing API key: send the header Authorization: Bearer <api key>"));
      return;
    }
    keys.resolve(token)
        .compose(principal -> principal == null
            ? Future.failedFuture(ApiError.unauthenticated("invalid_api_key", "Invalid, revoked or expired API key"))
            : admit(ctx, principal))
        .onSuccess(v -> ctx.next())
        .onFailure(ctx::fail);
  }

  private Future<Void> admit(RoutingContext ctx, Principal principal) {
    ctx.put(PRINCIPAL, principal);
    keys.touch(principal.keyId());
    if (limiter != null) {
      RateLimiter.Decision decision = limiter.take(principal.keyId());
      HttpServerResponse response = ctx.response();
      response.putHeader("X-RateLimit-Limit", Integer.toString(decision.limit()))
          .putHeader("X-RateLimit-Remaining", Integer.toString(decision.remaining()))
          .putHeader("X-RateLimit-Reset", Long.toString(decision.resetEpochSeconds()));
      if (!decision.allowed()) {
        return Future.failedFuture(ApiError.rateLimited(decision.retryAfterSeconds()));
      }
    }
    String origin = ctx.request().getHeader("Origin");
    // Only ingest-only keys are meant to be embedded in web pages; other keys are secrets used
    // from servers and dashboards, whatever origin those run on.
    if (origin == null || !principal.ingestOnly() || principal.defaultProjectId() == null) {
      Cors.allow(ctx, origin);
      return Future.succeededFuture();
    }
    return projects.get(principal.defaultProjectId()).compose(project -> {
      if (project == null || project.originAllowed(origin)) {
        Cors.allow(ctx, origin);
        return Future.succeededFuture();
      }
      return Future.failedFuture(ApiError.forbidden("origin_not_allowed",
          "Origin " + origin + " is not in the project's allowed_origins"));
    });
  }

  static String bearer(String header) {
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return null;
    }
    String token = header.substring(7).trim();
    return token.isEmpty() ? null : token;
  }
}

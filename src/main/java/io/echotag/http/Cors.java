package io.echotag.http;

import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;

/**
 * CORS for keys used from web pages. A preflight carries no key, so it is answered for any
 * origin; the real request is then checked against the key's project ({@link Auth}).
 */
final class Cors {
  static final String ALLOWED_HEADERS = "Authorization, Content-Type, Idempotency-Key, X-Request-Id, Last-Event-ID";
  static final String EXPOSED_HEADERS =
      "X-Request-Id, Retry-After, X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset";
  static final String MAX_AGE_SECONDS = "600";

  private Cors() {
  }

  static void preflight(RoutingContext ctx) {
    String origin = ctx.request().getHeader("Origin");
    if (ctx.request().method() != HttpMethod.OPTIONS || origin == null
        || ctx.request().getHeader("Access-Control-Request-Method") == null) {
      ctx.next();
      return;
    }
    ctx.response()
        .putHeader("Access-Control-Allow-Origin", origin)
        .putHeader("Vary", "Origin")
        .putHeader("Access-Control-Allow-Methods", "GET, POST, PUT, PATCH, DELETE, OPTIONS")
        .putHeader("Access-Control-Allow-Headers", ALLOWED_HEADERS)
        .putHeader("Access-Control-Max-Age", MAX_AGE_SECONDS)
        .setStatusCode(204)
        .end();
  }

  static void allow(RoutingContext ctx, String origin) {
    if (origin != null) {
      ctx.response()
          .putHeader("Access-Control-Allow-Origin", origin)
          .putHeader("Vary", "Origin")
          .putHeader("Access-Control-Expose-Headers", EXPOSED_HEADERS);
    }
  }
}

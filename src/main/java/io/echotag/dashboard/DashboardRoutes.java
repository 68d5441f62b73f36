package io.echotag.dashboard;

import io.vertx.core.Handler;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;

/**
 * {@code GET /}, {@code GET /dashboard} and {@code /dashboard/*}: the dashboard's static files
 * from the classpath folder {@code dashboard/}, without authentication (the page asks the user
 * for an API key and sends it only to the API). A strict Content-Security-Policy keeps the page
 * talking to this origin only.
 */
public final class DashboardRoutes {
  static final String ROOT = "dashboard";
  static final String CSP = "default-src 'self'; img-src 'self' data:; connect-src 'self'; "
      + "frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
  static final long MAX_AGE_SECONDS = 60;

  private DashboardRoutes() {
  }

  public static void mount(Router router) {
    StaticHandler files = StaticHandler.create(ROOT)
        .setIndexPage("index.html")
        .setMaxAgeSeconds(MAX_AGE_SECONDS)
        .setDirectoryListing(false);
    Handler<RoutingContext> headers = DashboardRoutes::securityHeaders;
    router.get("/").handler(headers).handler(files);
    router.get("/dashboard").handler(headers).handler(ctx -> ctx.response()
        .putHeader("Content-Type", "text/html;charset=UTF-8")
        .putHeader("Cache-Control", "public, max-age=" + MAX_AGE_SECONDS)
        .sendFile(ROOT + "/index.html"));
    router.get("/dashboard/*").handler(headers).handler(files);
  }

  private static void securityHeaders(RoutingContext ctx) {
    ctx.response()
        .putHeader("Content-Security-Policy", CSP)
        .putHeader("X-Content-Type-Options", "nosniff")
        .putHeader("Referrer-Policy", "no-referrer");
    ctx.next();
  }
}

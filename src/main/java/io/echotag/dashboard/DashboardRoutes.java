package io.echotag.dashboard;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code GET /} and {@code GET /dashboard} (the page), {@code GET /dashboard/dashboard.js} and
 * {@code GET /dashboard/dashboard.css}: the dashboard's static files from the classpath folder
 * {@code dashboard/}, without authentication (the page asks the user for an API key and sends it
 * only to the API). One exact route per file, so nothing else of the classpath can be reached and
 * every route is in {@code /openapi.json}. A strict Content-Security-Policy keeps the page
 * talking to this origin only.
 */
public final class DashboardRoutes {
  static final String CSP = "default-src 'self'; img-src 'self' data:; connect-src 'self'; "
      + "frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
  static final long MAX_AGE_SECONDS = 60;

  /** Route path → classpath file and its content type. */
  static final Map<String, String[]> FILES = new LinkedHashMap<>();

  static {
    String[] page = {"dashboard/index.html", "text/html;charset=UTF-8"};
    FILES.put("/", page);
    FILES.put("/dashboard", page);
    FILES.put("/dashboard/dashboard.js", new String[] {"dashboard/dashboard.js", "text/javascript;charset=UTF-8"});
    FILES.put("/dashboard/dashboard.css", new String[] {"dashboard/dashboard.css", "text/css;charset=UTF-8"});
  }

  private DashboardRoutes() {
  }

  public static void mount(Router router) {
    FILES.forEach((path, file) -> router.get(path).handler(ctx -> send(ctx, file[0], file[1])));
  }

  private static void send(RoutingContext ctx, String file, String contentType) {
    ctx.response()
        .putHeader("Content-Type", contentType)
        .putHeader("Cache-Control", "public, max-age=" + MAX_AGE_SECONDS)
        .putHeader("Content-Security-Policy", CSP)
        .putHeader("X-Content-Type-Options", "nosniff")
        .putHeader("Referrer-Policy", "no-referrer")
        .sendFile(file)
        .onFailure(ctx::fail);
  }
}

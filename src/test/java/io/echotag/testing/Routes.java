package io.echotag.testing;

import io.echotag.events.IngestBuffer;
import io.echotag.http.HttpVerticle;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;

import java.util.Set;
import java.util.TreeSet;

/** The routes of the gateway's real router, as {@code "GET /v1/events/{id}"} (OpenAPI path syntax). */
public final class Routes {
  private Routes() {
  }

  /** Every (method, path) the router of {@code gateway} answers; handler-only routes without a path are left out. */
  public static Set<String> of(TestGateway gateway) {
    var services = gateway.gateway().services();
    Router router = HttpVerticle.router(gateway.gateway().vertx(), services,
        new IngestBuffer(gateway.gateway().vertx(), services));
    Set<String> routes = new TreeSet<>();
    for (Route route : router.getRoutes()) {
      if (route.getPath() == null || route.methods() == null) {
        continue;
      }
      for (HttpMethod method : route.methods()) {
        routes.add(method.name() + " " + openApiPath(route.getPath()));
      }
    }
    return routes;
  }

  /** {@code /v1/webhooks/:id/deliveries/:delivery_id/retry} → {@code /v1/webhooks/{id}/deliveries/{delivery_id}/retry}. */
  public static String openApiPath(String vertxPath) {
    return vertxPath.replaceAll(":([A-Za-z0-9_]+)", "{$1}");
  }
}

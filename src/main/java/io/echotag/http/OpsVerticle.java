package io.echotag.http;

import io.echotag.Services;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;

import java.util.concurrent.TimeUnit;

/**
 * The HTTP server of a node whose API role is off ({@code api.enabled=false}, e.g. a delivery
 * or trigger worker): {@code /health/live}, {@code /health/ready} and {@code /metrics} on the
 * same {@code http.host}:{@code http.port} as the API would use, so probes and scraping need no
 * per-role configuration; everything else is {@code 404} in the API's error shape.
 */
public final class OpsVerticle extends VerticleBase {
  private final Services services;
  private HttpServer server;

  public OpsVerticle(Services services) {
    this.services = services;
  }

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    router.route().handler(RequestIds::assign);
    HttpPlatform.mountErrors(router, services);
    HttpPlatform.mountProbes(router, services);
    server = vertx.createHttpServer(new HttpServerOptions().setHost(services.config().http().host()));
    return server.requestHandler(router)
        .listen(services.config().http().port())
        .onSuccess(s -> services.httpPort().compareAndSet(0, s.actualPort()));
  }

  @Override
  public Future<?> stop() {
    return server == null ? Future.succeededFuture()
        : server.shutdown(HttpVerticle.SHUTDOWN_GRACE_SECONDS, TimeUnit.SECONDS);
  }
}

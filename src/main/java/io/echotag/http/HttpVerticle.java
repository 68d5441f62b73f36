package io.echotag.http;

import io.echotag.Services;
import io.echotag.analytics.AnalyticsRoutes;
import io.echotag.analytics.RealtimeRoutes;
import io.echotag.dashboard.DashboardRoutes;
import io.echotag.events.EventRoutes;
import io.echotag.events.IngestBuffer;
import io.echotag.keys.KeyRoutes;
import io.echotag.projects.ProjectRoutes;
import io.echotag.reports.ReportRoutes;
import io.echotag.sessions.SessionRoutes;
import io.echotag.tags.TagRoutes;
import io.echotag.visitors.VisitorRoutes;
import io.echotag.webhooks.WebhookRoutes;
import io.echotag.triggers.ExecutionRoutes;
import io.echotag.triggers.TriggerRoutes;
import io.echotag.integrations.IntegrationRoutes;
import io.echotag.openapi.OpenApiRoutes;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;

import java.util.concurrent.TimeUnit;

/**
 * All HTTP, one instance per event loop. Each instance owns an {@link IngestBuffer}, so group
 * commit needs no locking. Stopping shuts the server down gracefully (in-flight requests finish),
 * then flushes what the buffer still holds.
 */
public final class HttpVerticle extends VerticleBase {
  static final long SHUTDOWN_GRACE_SECONDS = 10;

  private final Services services;
  private HttpServer server;
  private IngestBuffer ingest;

  public HttpVerticle(Services services) {
    this.services = services;
  }

  @Override
  public Future<?> start() {
    ingest = new IngestBuffer(vertx, services);
    Router router = router(vertx, services, ingest);

    server = vertx.createHttpServer(new HttpServerOptions()
        .setHost(services.config().http().host())
        // No response compression and no WebSocket extensions: every handler in the pipeline is
        // paid on every write, and a realtime fan-out writes to thousands of sockets at once
        // (compression belongs in the reverse proxy in front).
        .setCompressionSupported(false)
        .setPerMessageWebSocketCompressionSupported(false)
        .setPerFrameWebSocketCompressionSupported(false)
        .setTcpNoDelay(true));
    // Port 0 would give every instance a port of its own (and clients would find only the first):
    // a negative port makes Vert.x pick one random port that all instances share.
    int port = services.config().http().port();
    return server.requestHandler(router)
        .listen(port == 0 ? -1 : port)
        .onSuccess(s -> services.httpPort().compareAndSet(0, s.actualPort()));
  }

  /** The root router with the platform handlers and every feature's routes (public: tests list its routes). */
  public static Router router(Vertx vertx, Services services, IngestBuffer ingest) {
    Router router = Router.router(vertx);
    HttpPlatform.mountBefore(router, services);
    KeyRoutes.mount(router, services);
    ProjectRoutes.mount(router, services);
    TagRoutes.mount(router, services);
    EventRoutes.mount(router, services, ingest);
    VisitorRoutes.mount(router, services);
    SessionRoutes.mount(router, services);
    WebhookRoutes.mount(router, vertx, services);
    TriggerRoutes.mount(router, services);
    ExecutionRoutes.mount(router, services);
    IntegrationRoutes.mount(router, vertx, services);
    ReportRoutes.mount(router, vertx, services);
    AnalyticsRoutes.mount(router, services);
    RealtimeRoutes.mount(router, vertx, services);
    OpenApiRoutes.mount(router);
    DashboardRoutes.mount(router);
    return router;
  }

  @Override
  public Future<?> stop() {
    Future<Void> closed = server == null ? Future.succeededFuture()
        : server.shutdown(SHUTDOWN_GRACE_SECONDS, TimeUnit.SECONDS);
    return closed.eventually(() -> ingest == null ? Future.succeededFuture() : ingest.close());
  }
}

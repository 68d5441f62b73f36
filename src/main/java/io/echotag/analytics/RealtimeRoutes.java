package io.echotag.analytics;

import io.echotag.Services;
import io.echotag.http.ApiError;
import io.echotag.http.Auth;
import io.echotag.http.Bodies;
import io.echotag.http.Query;
import io.echotag.http.Replies.Reply;
import io.echotag.keys.Scope;
import io.echotag.projects.Project;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.time.Instant;

import static io.echotag.http.Replies.reply;

/**
 * {@code /v1/analytics/realtime}: the current realtime object, its SSE stream, and stream tokens.
 * Mounted once per HTTP event loop; each instance owns the {@link SseFanout} of its loop, while
 * the windows are shared ({@link RealtimeHub}), so every instance answers the same numbers.
 */
public final class RealtimeRoutes {
  private final Services services;
  private final RealtimeHub hub;
  private final SseFanout fanout;
  private final StreamTokens tokens;
  private final Vertx vertx;

  private RealtimeRoutes(Vertx vertx, Services services) {
    this.vertx = vertx;
    this.services = services;
    this.hub = RealtimeHub.of(vertx, services);
    this.fanout = new SseFanout(vertx, hub);
    this.tokens = new StreamTokens(services.pool());
  }

  public static void mount(Router router, Vertx vertx, Services services) {
    RealtimeRoutes routes = new RealtimeRoutes(vertx, services);
    router.get("/v1/analytics/realtime").handler(Auth.require(Scope.READ)).handler(reply(routes::current));
    router.post("/v1/analytics/realtime/token").handler(Auth.require(Scope.READ)).handler(reply(routes::token));
    router.get(StreamTokens.STREAM_PATH).handler(Auth.require(Scope.READ)).handler(routes::stream);
  }

  private Future<Reply> current(RoutingContext ctx) {
    requireRunning();
    return project(ctx, Query.string(ctx, "project_id"))
        .map(project -> Reply.ok(RealtimeCodec.snapshot(hub.snapshot(project.id()))));
  }

  private Future<Reply> token(RoutingContext ctx) {
    String projectId = Bodies.projectId(ctx, Bodies.object(ctx));
    return project(ctx, projectId)
        .compose(project -> tokens.issue(project, Instant.now()))
        .map(Reply::created);
  }

  private void stream(RoutingContext ctx) {
    try {
      requireRunning();
      boolean events = includesEvents(Query.string(ctx, "include"));
      String eventType = Query.string(ctx, "event_type");
      String lastEventId = ctx.request().getHeader("Last-Event-ID");
      project(ctx, Query.string(ctx, "project_id"))
          .onSuccess(project -> open(ctx, project.id(), events, eventType, lastEventId))
          .onFailure(ctx::fail);
    } catch (ApiError e) {
      ctx.fail(e);
    }
  }

  private void open(RoutingContext ctx, String projectId, boolean events, String eventType, String lastEventId) {
    HttpServerResponse response = ctx.response();
    if (response.closed()) {
      return;
    }
    response.setChunked(true)
        .putHeader("Content-Type", "text/event-stream; charset=utf-8")
        .putHeader("Cache-Control", "no-cache")
        .putHeader("X-Accel-Buffering", "no")
        // No gzip: a compressor would hold messages back until its buffer fills.
        .putHeader("Content-Encoding", "identity");
    var config = hub.config();
    SseStream[] self = new SseStream[1];
    SseStream stream = new SseStream(vertx, response, ctx.request().connection(), projectId, events, eventType,
        config.maxBacklogBytes(), hub.fanout(), () -> hub.slowClosed().increment(), () -> fanout.leave(self[0]));
    self[0] = stream;
    response.closeHandler(v -> stream.closed());
    ctx.request().connection().shutdownHandler(v -> stream.close());
    fanout.join(stream, lastEventId);
    stream.startKeepAlive(config.keepAliveMs());
  }

  private Future<Project> project(RoutingContext ctx, String projectId) {
    return services.projects().resolve(Auth.principal(ctx), projectId);
  }

  private void requireRunning() {
    if (!hub.running()) {
      throw ApiError.unavailable(services.config().retryAfterSeconds());
    }
  }

  /** {@code include} is a comma list; {@code events} is the one value it knows. */
  static boolean includesEvents(String include) {
    if (include == null) {
      return false;
    }
    boolean events = false;
    for (String part : include.split(",")) {
      String value = part.trim();
      if (value.equals("events")) {
        events = true;
      } else if (!value.isEmpty()) {
        throw ApiError.invalid("include", "include must be a comma list of: events (got '" + value + "')");
      }
    }
    return events;
  }
}

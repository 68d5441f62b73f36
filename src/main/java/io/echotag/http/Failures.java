package io.echotag.http;

import io.echotag.db.Database;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Renders every failure as the API's error shape; logs server-side failures with the request id. */
public final class Failures {
  private static final Logger LOG = LoggerFactory.getLogger(Failures.class);

  private final int retryAfterSeconds;

  public Failures(int retryAfterSeconds) {
    this.retryAfterSeconds = retryAfterSeconds;
  }

  /** Maps any throwable to the {@link ApiError} a client sees. */
  public ApiError toApiError(Throwable failure, int statusCode) {
    if (failure instanceof ApiError api) {
      return api;
    }
    if (failure instanceof DecodeException) {
      return ApiError.badRequest("invalid_json", "The request body is not valid JSON", null);
    }
    if (failure instanceof HttpException http) {
      return fromStatus(http.getStatusCode());
    }
    if (failure != null && Database.isUnavailable(failure)) {
      return ApiError.unavailable(retryAfterSeconds);
    }
    if (failure == null && statusCode > 0) {
      return fromStatus(statusCode);
    }
    return ApiError.internal();
  }

  public void handle(RoutingContext ctx) {
    ApiError error = toApiError(ctx.failure(), ctx.statusCode());
    String requestId = RequestIds.get(ctx);
    if (error.status() >= 500 && error.status() != 503) {
      LOG.error("{} {} failed [request_id={}]", ctx.request().method(), ctx.request().path(), requestId,
          ctx.failure());
    } else if (error.status() == 503) {
      LOG.warn("{} {} answered 503, database unavailable: {} [request_id={}]", ctx.request().method(),
          ctx.request().path(), ctx.failure() == null ? "-" : ctx.failure().toString(), requestId);
    }
    if (ctx.response().headWritten()) {
      ctx.response().reset();
      return;
    }
    send(ctx, error);
  }

  static void send(RoutingContext ctx, ApiError error) {
    if (error.retryAfterSeconds() > 0) {
      ctx.response().putHeader("Retry-After", Integer.toString(error.retryAfterSeconds()));
    }
    Replies.json(ctx, error.status(), new JsonObject().put("error", error.toJson(RequestIds.get(ctx))));
  }

  private static ApiError fromStatus(int status) {
    return switch (status) {
      case 400 -> ApiError.badRequest("bad_request", "The request could not be read", null);
      case 404 -> ApiError.notFound("route_not_found", "No such endpoint");
      case 405 -> ApiError.methodNotAllowed();
      case 413 -> ApiError.tooLarge("The request body is larger than the limit");
      case 415 -> ApiError.unsupportedMediaType("Content-Type must be application/json");
      default -> status >= 500 ? ApiError.internal()
          : ApiError.badRequest("bad_request", "The request could not be handled (HTTP " + status + ")", null);
    };
  }
}

package io.echotag.http;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.util.function.Function;

/** Writes answers, and adapts a feature's {@code ctx -> Future<Reply>} function into a route handler. */
public final class Replies {
  static final String JSON = "application/json; charset=utf-8";

  private Replies() {
  }

  /** What a handler answers: a status and a JSON body ({@code null} for {@code 204}). */
  public record Reply(int status, JsonObject body) {
    public static Reply ok(JsonObject body) {
      return new Reply(200, body);
    }

    public static Reply created(JsonObject body) {
      return new Reply(201, body);
    }

    public static Reply noContent() {
      return new Reply(204, null);
    }
  }

  /**
   * A route handler that runs {@code action} and sends its reply; an exception thrown while
   * parsing or a failed future goes to the failure handler.
   */
  public static Handler<RoutingContext> reply(Function<RoutingContext, Future<Reply>> action) {
    return ctx -> {
      Future<Reply> future;
      try {
        future = action.apply(ctx);
      } catch (RuntimeException e) {
        ctx.fail(e);
        return;
      }
      future.onComplete(ar -> {
        if (ar.failed()) {
          ctx.fail(ar.cause());
        } else if (!ctx.response().ended()) {
          send(ctx, ar.result());
        }
      });
    };
  }

  public static void send(RoutingContext ctx, Reply reply) {
    if (reply.body() == null) {
      ctx.response().setStatusCode(reply.status()).end();
    } else {
      json(ctx, reply.status(), reply.body());
    }
  }

  static void json(RoutingContext ctx, int status, JsonObject body) {
    ctx.response()
        .setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, JSON)
        .end(body.toBuffer());
  }
}

package io.echotag.db;

import io.vertx.core.Completable;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.PromiseInternal;
import io.vertx.core.net.NetClientOptions;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.spi.PgDriver;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.spi.ConnectionFactory;

import java.net.SocketTimeoutException;

/**
 * The PostgreSQL driver with a deadline on opening a connection (TCP connect, startup and
 * authentication together).
 *
 * <p>vertx-pg-client 5.0.7 has none: its {@code PgDriver.createConnectionFactory} ignores the
 * {@code NetClientOptions} given to the pool builder (fixed upstream in 5.0.9, eclipse-vertx/
 * vertx-sql-client#1630), so their connect, idle and read-idle timeouts never reach the socket,
 * and nothing bounds the wait for the server's answer to the startup message. A server that
 * accepts connections but never answers (a stalled PostgreSQL, a proxy with no backend) would keep
 * each attempt, and the pool slot it holds, pending forever: once {@code pool_size} attempts are
 * stuck the gateway answers {@code 503} even after PostgreSQL is back.
 *
 * <p>Here an attempt that has not produced a connection within the deadline fails with a
 * {@link SocketTimeoutException} (an outage for {@link Database#isUnavailable}), which frees its
 * pool slot so that the next attempt can reach a server that has come back; an attempt that
 * completes after its deadline is closed at once. The socket of an attempt that never completes
 * stays open until the peer closes it (PostgreSQL's {@code authentication_timeout}, 60 s by
 * default) or the pool closes, since the driver gives no handle on it.
 */
final class BoundedConnectDriver extends PgDriver {
  private final long deadlineMs;

  BoundedConnectDriver(long deadlineMs) {
    this.deadlineMs = deadlineMs;
  }

  @Override
  public ConnectionFactory<PgConnectOptions> createConnectionFactory(Vertx vertx, NetClientOptions transportOptions) {
    return new Bounded(super.createConnectionFactory(vertx, transportOptions), deadlineMs);
  }

  /** Delegates to the driver's own factory, racing each attempt against a timer. */
  private record Bounded(ConnectionFactory<PgConnectOptions> delegate, long deadlineMs)
      implements ConnectionFactory<PgConnectOptions> {

    @Override
    public Future<SqlConnection> connect(Context context, PgConnectOptions options) {
      ContextInternal ctx = (ContextInternal) context;
      PromiseInternal<SqlConnection> result = ctx.promise();
      long timer = ctx.setTimer(deadlineMs, id -> result.tryFail(new SocketTimeoutException(
          "PostgreSQL at " + options.getSocketAddress() + " did not complete a connection within " + deadlineMs + " ms")));
      delegate.connect(context, options).onComplete(ar -> {
        ctx.owner().cancelTimer(timer);
        if (ar.failed()) {
          result.tryFail(ar.cause());
        } else if (!result.tryComplete(ar.result())) {
          ar.result().close();
        }
      });
      return result.future();
    }

    @Override
    public void close(Completable<Void> completion) {
      delegate.close(completion);
    }
  }
}

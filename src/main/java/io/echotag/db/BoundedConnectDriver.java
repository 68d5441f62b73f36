package io.echotag.db;

import io.netty.channel.Channel;
import io.vertx.core.Completable;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.PromiseInternal;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.impl.CleanableNetClient;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.impl.PgConnectionFactory;
import io.vertx.pgclient.spi.PgDriver;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.spi.ConnectionFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.reflect.Field;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

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
 *
 * <p>Closing the pool closes those sockets outright: the driver's own close of a socket sends
 * Terminate and waits for the server to hang up, which a silent server never does, and that wait
 * would hold up the pool's close and Vert.x's, so the gateway would not stop. This reaches into
 * Vert.x 5.0.7 internals (the NetClient's channel group); when they change, the fallback is the
 * driver's orderly close and a warning. Recheck both gaps when the BOM moves past 5.0.8.
 */
final class BoundedConnectDriver extends PgDriver {
  private static final Logger LOG = LoggerFactory.getLogger(BoundedConnectDriver.class);
  private final long deadlineMs;

  BoundedConnectDriver(long deadlineMs) {
    this.deadlineMs = deadlineMs;
  }

  @Override
  public ConnectionFactory<PgConnectOptions> createConnectionFactory(Vertx vertx, NetClientOptions transportOptions) {
    return new Bounded((VertxInternal) vertx, deadlineMs);
  }

  /** The driver's own factory, racing each attempt against a timer. */
  private static final class Bounded extends PgConnectionFactory {
    private final long deadlineMs;

    Bounded(VertxInternal vertx, long deadlineMs) {
      super(vertx);
      this.deadlineMs = deadlineMs;
    }

    @Override
    public Future<SqlConnection> connect(Context context, PgConnectOptions options) {
      ContextInternal ctx = (ContextInternal) context;
      PromiseInternal<SqlConnection> result = ctx.promise();
      long timer = ctx.setTimer(deadlineMs, id -> result.tryFail(new SocketTimeoutException(
          "PostgreSQL at " + options.getSocketAddress() + " did not complete a connection within " + deadlineMs + " ms")));
      super.connect(context, options).onComplete(ar -> {
        ctx.owner().cancelTimer(timer);
        if (ar.failed()) {
          result.tryFail(ar.cause());
        } else if (!result.tryComplete(ar.result())) {
          ar.result().close();
        }
      });
      return result.future();
    }

    /**
     * Closes every socket outright before the orderly close: the driver's encoder turns a close
     * into "send Terminate and wait for the server to hang up", which a silent server never does,
     * and would hold the pool's (and Vert.x's) close forever. The pool has already closed its
     * connections by now; what remains are attempts nobody waits for.
     */
    @Override
    public void close(Completable<Void> completion) {
      List<Channel> open = openChannels();
      AtomicInteger left = new AtomicInteger(open.size() + 1);
      Runnable closeClient = () -> {
        if (left.decrementAndGet() == 0) {
          super.close(completion);
        }
      };
      for (Channel channel : open) {
        channel.closeFuture().addListener(f -> closeClient.run());
        channel.eventLoop().execute(() -> channel.unsafe().close(channel.voidPromise()));
      }
      closeClient.run();
    }

    /** The client's sockets: Vert.x 5.0.7 keeps them in the public field of a package-private class. */
    private List<Channel> openChannels() {
      List<Channel> open = new ArrayList<>();
      try {
        Object impl = client instanceof CleanableNetClient cleanable ? cleanable.unwrap() : client;
        Field group = impl.getClass().getField("channelGroup");
        group.setAccessible(true);
        for (Object channel : (Iterable<?>) group.get(impl)) {
          open.add((Channel) channel);
        }
      } catch (ReflectiveOperationException | RuntimeException unreachable) {
        LOG.warn("Cannot reach the PostgreSQL sockets to close them; closing the pool may wait for the server", unreachable);
      }
      return open;
    }
  }
}

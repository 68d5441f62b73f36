package io.echotag.db;

import io.echotag.config.EchoTagConfig;
import io.vertx.core.Vertx;
import io.vertx.core.VertxException;
import io.vertx.core.net.NetClientOptions;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClientBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;

import java.io.IOException;
import java.net.ConnectException;
import java.nio.channels.ClosedChannelException;

/**
 * Builds the shared reactive pool and tells a database outage apart from a bad query. Opening a
 * connection is bounded by {@code database.connect_timeout_ms} ({@link BoundedConnectDriver}), so
 * a server that accepts connections and never answers cannot hold the pool's slots past the outage.
 */
public final class Database {
  static final int DEFAULT_PIPELINING_LIMIT = 256;
  static final int DEFAULT_POOL_WAIT_MS = 5_000;

  private Database() {
  }

  /**
   * The pool. Its connections are spread over {@code eventLoops} event loops: by default a pool
   * built outside an event loop puts every connection on one, and that loop then encodes and
   * decodes all of the node's database traffic.
   */
  public static Pool pool(Vertx vertx, DatabaseTarget target, EchoTagConfig.Database config, int eventLoops) {
    return ClientBuilder.pool(new BoundedConnectDriver(config.connectTimeoutMs()))
        .with(new PoolOptions()
            .setName("echotag")
            .setEventLoopSize(eventLoops)
            .setMaxSize(config.poolSize())
            .setMaxWaitQueueSize(10_000)
            .setConnectionTimeout(DEFAULT_POOL_WAIT_MS)
            .setConnectionTimeoutUnit(java.util.concurrent.TimeUnit.MILLISECONDS))
        // Ignored by vertx-pg-client 5.0.7 (see BoundedConnectDriver), honoured from 5.0.9 on.
        .with(new NetClientOptions().setConnectTimeout(config.connectTimeoutMs()).setTcpNoDelay(true))
        .connectingTo(target.connectOptions()
            .setCachePreparedStatements(true)
            .setPipeliningLimit(DEFAULT_PIPELINING_LIMIT))
        .using(vertx)
        .build();
  }

  /**
   * True when a failure means "the database cannot be reached or is shutting down" rather than
   * "this statement is wrong": such failures become {@code 503} with {@code Retry-After}.
   */
  public static boolean isUnavailable(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof PgException pg) {
        String state = pg.getSqlState();
        return state != null && (state.startsWith("08") || state.startsWith("57P") || state.equals("53300"));
      }
      if (t instanceof ConnectException || t instanceof ClosedChannelException || t instanceof IOException) {
        return true;
      }
      if (t instanceof VertxException v && v.getMessage() != null) {
        String m = v.getMessage().toLowerCase();
        if (m.contains("connection") || m.contains("closed") || m.contains("timeout") || m.contains("pool")) {
          return true;
        }
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return false;
  }
}

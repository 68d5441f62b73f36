package io.echotag.analytics;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.util.function.Function;

/**
 * The hourly rollups behind {@code GET /v1/analytics}: events and revenue per (project, UTC hour,
 * type), page views per (project, hour, url) and per day, sessions per start hour, and presence
 * rows per (project, hour, visitor) and (project, url, visitor) for distinct visitors.
 *
 * <p>They are kept out of the ingest transaction, which only queues its new events' ids (one
 * row per commit, an outbox, so nothing is lost). {@link RollupVerticle} folds queued commits
 * in every {@link #INTERVAL_MS}, up to {@link #BATCH} per transaction, and a reader that must see every committed
 * event ({@code GET /v1/analytics}) folds in what is left first ({@link #drain}). One applier
 * runs at a time, cluster-wide (an advisory lock), and deletes what it applied in the same
 * transaction: every event is counted exactly once.
 */
public final class AnalyticsRollups {
  /** How often each node folds queued commits in. */
  public static final long INTERVAL_MS = 1000;
  /** Queued commits per statement. */
  static final int BATCH = 256;

  private AnalyticsRollups() {
  }

  /**
   * Queues a commit's new events. {@code events} is the tuple that inserts them (arrays of
   * project, id, ...). Pipelined with the commit's other statements; the caller awaits it like them.
   */
  public static Future<?> queue(SqlConnection conn, Tuple events) {
    return conn.preparedQuery(AnalyticsSql.QUEUE).execute(Tuple.of(events.getValue(0), events.getValue(1)));
  }

  /**
   * Runs {@code deletion} in a transaction that first waits for any running applier and keeps
   * others out until it ends. A deletion of rollup rows (a visitor's erasure, a project's
   * deletion) goes through here: the rollup tables have no foreign keys, so an applier working
   * meanwhile could otherwise write rows for what is being deleted, after the deletion had looked.
   */
  public static <T> Future<T> withApplierHeld(Pool pool, Function<SqlConnection, Future<T>> deletion) {
    return pool.withTransaction(conn -> holdApplier(conn).compose(held -> deletion.apply(conn)));
  }

  /** Takes the applier's lock for the rest of {@code conn}'s transaction (none: for one statement only). */
  static Future<Void> holdApplier(SqlConnection conn) {
    return conn.query(AnalyticsSql.LOCK_APPLIER).execute().mapEmpty();
  }

  /**
   * Folds in everything queued, one batch per transaction, waiting for an applier that is
   * running.
   */
  static Future<Void> drain(Pool pool) {
    return batches(pool, AnalyticsSql.LOCK_APPLIER);
  }

  /** Like {@link #drain}, but stops as soon as another applier holds the lock. */
  static Future<Void> applyIfFree(Pool pool) {
    return batches(pool, AnalyticsSql.TRY_LOCK_APPLIER);
  }

  private static Future<Void> batches(Pool pool, String lock) {
    return pool.withTransaction(conn -> conn.query(lock).execute().compose(rows -> {
      if (Boolean.FALSE.equals(rows.iterator().next().getValue(0))) {
        // TRY_LOCK_APPLIER: another applier is at it.
        return Future.succeededFuture(false);
      }
      return conn.preparedQuery(AnalyticsSql.APPLY_PENDING).execute(Tuple.of(BATCH))
          .map(applied -> applied.iterator().next().getLong("commits") == BATCH);
    })).compose(full -> full ? batches(pool, lock) : Future.succeededFuture());
  }
}

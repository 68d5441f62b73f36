package io.echotag.analytics;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

/**
 * The hourly rollups behind {@code GET /v1/analytics}, kept in the ingest transaction so that
 * they always agree with the committed events: events and revenue per (project, UTC hour, type),
 * page views per (project, hour, url), and presence rows per (project, hour, visitor) and
 * (project, url, hour, visitor) for distinct visitors.
 */
public final class AnalyticsRollups {
  private AnalyticsRollups() {
  }

  /**
   * Adds a commit's events to the rollups. {@code events} is the tuple that inserts them: arrays
   * of project, id, type, visitor, session, data (JSON text), timestamp, received_at. Pipelined
   * with the commit's other statements; the caller awaits the future like theirs.
   */
  public static Future<?> write(SqlConnection conn, Tuple events) {
    return conn.preparedQuery(AnalyticsSql.WRITE_ROLLUPS).execute(events);
  }
}

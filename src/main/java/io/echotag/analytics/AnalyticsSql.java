package io.echotag.analytics;

/**
 * The statements of {@code GET /v1/analytics} and of the rollups the ingest transaction writes.
 *
 * <p>Each read has two sources with the same output: the hourly rollups (used when every bucket
 * boundary is a whole UTC hour) and the events themselves (any other range, such as the day
 * buckets of Asia/Kolkata). Parameters: {@code $1} project, {@code $2} start (inclusive),
 * {@code $3} end (exclusive), {@code $4} the bucket starts; {@code width_bucket} numbers the
 * buckets from 1.
 */
final class AnalyticsSql {
  private AnalyticsSql() {
  }

  /** The longest url kept; longer ones are cut (an index key must stay well under 2,700 bytes). */
  static final int URL_MAX = 1024;

  /**
   * An event's revenue: its numeric {@code data.revenue}, else {@code data.value}, else
   * {@code data.amount}; strings and other types count as none.
   */
  static String revenue(String data) {
    return "CASE WHEN jsonb_typeof(" + data + "->'revenue') = 'number' THEN (" + data + "->>'revenue')::numeric "
        + "WHEN jsonb_typeof(" + data + "->'value') = 'number' THEN (" + data + "->>'value')::numeric "
        + "WHEN jsonb_typeof(" + data + "->'amount') = 'number' THEN (" + data + "->>'amount')::numeric END";
  }

  /** A page view's url: {@code data.url} of a {@code page_view}, cut to {@link #URL_MAX}. */
  static String url(String data) {
    return "left(" + data + "->>'url', " + URL_MAX + ")";
  }

  private static final String RAW_RANGE = "FROM events WHERE project_id = $1 AND \"timestamp\" >= $2 "
      + "AND \"timestamp\" < $3";
  private static final String ROLLUP_RANGE = "WHERE project_id = $1 AND hour >= $2 AND hour < $3";

  /** Events and revenue per bucket and type: {@code b, event_type, n, revenue}. */
  static final String COUNTS_ROLLUP = "SELECT width_bucket(hour, $4::timestamptz[]) AS b, event_type, "
      + "sum(events)::bigint AS n, sum(revenue) AS revenue FROM analytics_hourly " + ROLLUP_RANGE + " GROUP BY 1, 2";
  static final String COUNTS_RAW = "SELECT width_bucket(\"timestamp\", $4::timestamptz[]) AS b, event_type, "
      + "count(*) AS n, sum(" + revenue("data") + ") AS revenue " + RAW_RANGE + " GROUP BY 1, 2";

  /** Distinct visitors per bucket ({@code b, n}), and over the range (the row whose {@code b} is null). */
  static final String VISITORS_ROLLUP = "SELECT width_bucket(hour, $4::timestamptz[]) AS b, "
      + "count(DISTINCT visitor_id) AS n FROM analytics_visitor_hours " + ROLLUP_RANGE + " GROUP BY ROLLUP (1)";
  static final String VISITORS_RAW = "SELECT width_bucket(\"timestamp\", $4::timestamptz[]) AS b, "
      + "count(DISTINCT visitor_id) AS n " + RAW_RANGE + " GROUP BY ROLLUP (1)";

  /** Visitors first seen in the range. */
  static final String NEW_VISITORS = "SELECT count(*) AS n FROM visitors WHERE project_id = $1 "
      + "AND first_seen >= $2 AND first_seen < $3";

  /** The top pages: {@code url, views, visitors}, most viewed first. */
  static final String PAGES_ROLLUP = "WITH top AS (SELECT url, sum(views)::bigint AS views "
      + "FROM analytics_hourly_pages " + ROLLUP_RANGE + " GROUP BY url ORDER BY views DESC, url LIMIT $4) "
      + "SELECT top.url, top.views, (SELECT count(DISTINCT visitor_id) FROM analytics_page_visitors p "
      + "WHERE p.project_id = $1 AND p.url = top.url AND p.hour >= $2 AND p.hour < $3) AS visitors "
      + "FROM top ORDER BY views DESC, url";
  static final String PAGES_RAW = "SELECT " + url("data") + " AS url, count(*) AS views, "
      + "count(DISTINCT visitor_id) AS visitors " + RAW_RANGE + " AND event_type = 'page_view' "
      + "AND data->>'url' IS NOT NULL GROUP BY 1 ORDER BY views DESC, url LIMIT $4";

  /** Sessions started in the range: {@code total, avg_ms, bounces} (sessions of a single event). */
  static final String SESSIONS = "SELECT count(*) AS total, "
      + "coalesce(avg(extract(epoch FROM ended_at - started_at) * 1000), 0)::float8 AS avg_ms, "
      + "count(*) FILTER (WHERE event_count = 1) AS bounces FROM sessions WHERE project_id = $1 "
      + "AND started_at >= $2 AND started_at < $3";

  /**
   * The rollups of one commit, from the very arrays that insert its events ({@code unnest} of
   * project, id, type, visitor, session, data as text, timestamp, received_at). One statement: the
   * arrays are read once. Counter rows go to the slot {@code pg_backend_pid() % 8}; every insert is
   * ordered by its key so that two commits sharing a slot lock rows in the same order (no
   * deadlock). Presence rows cannot collide between commits: their visitor is locked by this one.
   */
  static final String WRITE_ROLLUPS = "WITH u AS MATERIALIZED (SELECT p AS project_id, "
      + "date_trunc('hour', ts, 'UTC') AS hour, t AS event_type, v AS visitor_id, d::jsonb AS data, "
      + "(pg_backend_pid() % 8)::smallint AS slot "
      + "FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::timestamptz[], "
      + "$8::timestamptz[]) AS x(p, i, t, v, s, d, ts, r)), "
      + "pv AS MATERIALIZED (SELECT project_id, hour, " + url("data") + " AS url, visitor_id, slot FROM u "
      + "WHERE event_type = 'page_view' AND data->>'url' IS NOT NULL), "
      + "counts AS (INSERT INTO analytics_hourly AS a (project_id, hour, event_type, slot, events, revenue) "
      + "SELECT project_id, hour, event_type, slot, count(*), coalesce(sum(" + revenue("data") + "), 0) FROM u "
      + "GROUP BY project_id, hour, event_type, slot ORDER BY project_id, hour, event_type "
      + "ON CONFLICT (project_id, hour, event_type, slot) DO UPDATE "
      + "SET events = a.events + excluded.events, revenue = a.revenue + excluded.revenue), "
      + "pages AS (INSERT INTO analytics_hourly_pages AS a (project_id, hour, url, slot, views) "
      + "SELECT project_id, hour, url, slot, count(*) FROM pv GROUP BY project_id, hour, url, slot "
      + "ORDER BY project_id, hour, url ON CONFLICT (project_id, hour, url, slot) DO UPDATE "
      + "SET views = a.views + excluded.views), "
      + "page_visitors AS (INSERT INTO analytics_page_visitors (project_id, url, hour, visitor_id) "
      + "SELECT DISTINCT project_id, url, hour, visitor_id FROM pv ON CONFLICT DO NOTHING) "
      + "INSERT INTO analytics_visitor_hours (project_id, hour, visitor_id) "
      + "SELECT DISTINCT project_id, hour, visitor_id FROM u ON CONFLICT DO NOTHING";
}

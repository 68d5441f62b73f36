package io.echotag.analytics;

/**
 * The statements of {@code GET /v1/analytics} and of its rollups (queued by the ingest, folded in by the applier).
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

  /**
   * Distinct visitors per bucket ({@code b, n}), and over the range (the row whose {@code b} is
   * null). {@code COLLATE "C"}: the sort compares bytes, not locale rules (several times faster).
   */
  static final String VISITORS_ROLLUP = "SELECT width_bucket(hour, $4::timestamptz[]) AS b, "
      + "count(DISTINCT visitor_id COLLATE \"C\") AS n FROM analytics_visitor_hours " + ROLLUP_RANGE
      + " GROUP BY ROLLUP (1)";
  static final String VISITORS_RAW = "SELECT width_bucket(\"timestamp\", $4::timestamptz[]) AS b, "
      + "count(DISTINCT visitor_id COLLATE \"C\") AS n " + RAW_RANGE + " GROUP BY ROLLUP (1)";

  /** Visitors first seen in the range. */
  static final String NEW_VISITORS = "SELECT count(*) AS n FROM visitors WHERE project_id = $1 "
      + "AND first_seen >= $2 AND first_seen < $3";

  /**
   * The top pages: {@code url, views, visitors, later}, most viewed first. Views: the whole UTC
   * days {@code [$4, $5)} from the daily rows, the hours before and after from the hourly ones.
   * Visitors: the (page, visitor) pairs whose last view is in the range; exact only when
   * {@code later}, the pairs whose last view comes after the range, is 0 (else read the events).
   */
  static final String PAGES_ROLLUP = "WITH top AS (SELECT url, sum(views)::bigint AS views FROM ("
      + "SELECT url, views FROM analytics_daily_pages WHERE project_id = $1 AND day >= $4 AND day < $5 "
      + "UNION ALL SELECT url, views FROM analytics_hourly_pages WHERE project_id = $1 "
      + "AND ((hour >= $2 AND hour < $4) OR (hour >= $5 AND hour < $3))) v "
      + "GROUP BY url ORDER BY views DESC, url LIMIT $6) "
      + "SELECT top.url, top.views, c.visitors, c.later FROM top CROSS JOIN LATERAL ("
      + "SELECT coalesce(sum(visitors) FILTER (WHERE hour < $3), 0)::bigint AS visitors, "
      + "coalesce(sum(visitors) FILTER (WHERE hour >= $3), 0)::bigint AS later FROM analytics_page_last_hours h "
      + "WHERE h.project_id = $1 AND h.url = top.url AND h.hour >= $2) c ORDER BY top.views DESC, top.url";
  static final String PAGES_RAW = "SELECT " + url("data") + " AS url, count(*) AS views, "
      + "count(DISTINCT visitor_id) AS visitors " + RAW_RANGE + " AND event_type = 'page_view' "
      + "AND data->>'url' IS NOT NULL GROUP BY 1 ORDER BY views DESC, url LIMIT $4";

  /** Sessions started in the range: {@code total, avg_ms, bounces} (sessions of a single event). */
  static final String SESSIONS_ROLLUP = "SELECT coalesce(sum(sessions), 0)::bigint AS total, "
      + "coalesce(sum(duration_ms)::float8 / nullif(sum(sessions), 0), 0) AS avg_ms, "
      + "coalesce(sum(bounces), 0)::bigint AS bounces FROM analytics_hourly_sessions " + ROLLUP_RANGE;
  static final String SESSIONS_RAW = "SELECT count(*) AS total, "
      + "coalesce(avg(extract(epoch FROM ended_at - started_at) * 1000), 0)::float8 AS avg_ms, "
      + "count(*) FILTER (WHERE event_count = 1) AS bounces FROM sessions WHERE project_id = $1 "
      + "AND started_at >= $2 AND started_at < $3";

  private static String millis(String interval) {
    return "(extract(epoch FROM " + interval + ") * 1000)::bigint";
  }

  private static String upsertAdding(String key, String... counters) {
    StringBuilder set = new StringBuilder();
    for (String c : counters) {
      set.append(set.length() == 0 ? "" : ", ").append(c).append(" = a.").append(c).append(" + excluded.").append(c);
    }
    return "ON CONFLICT (" + key + ") DO UPDATE SET " + set;
  }

  /** A commit queues the ids of its new events for the rollups (one row; see {@link #APPLY_PENDING}). */
  static final String QUEUE = "INSERT INTO analytics_pending (project_ids, event_ids) VALUES ($1::text[], $2::text[])";

  /** Taken by whoever applies queued rows, for the rest of its transaction: one applier at a time. */
  static final String LOCK_APPLIER = "SELECT pg_advisory_xact_lock(" + AnalyticsSql.APPLIER_LOCK + ")";

  /** Like {@link #LOCK_APPLIER}, but gives up (false) when another node or loop is applying. */
  static final String TRY_LOCK_APPLIER = "SELECT pg_try_advisory_xact_lock(" + AnalyticsSql.APPLIER_LOCK + ")";

  /** The advisory lock key of the rollup applier ("ETROLLUP" as bytes, so it collides with nothing of ours). */
  static final long APPLIER_LOCK = 0x4554524f4c4c5550L;

  /**
   * Folds the oldest {@code $1} queued commits into the rollups and deletes them, in one
   * statement: every part sees the tables as they were before it (one snapshot). Runs under
   * {@link #LOCK_APPLIER}, so appliers never interleave and each queued event is counted once.
   *
   * <p>Counts and page views add up. A page's pair row gives the visitor's previous last view,
   * whose hour count moves to the new one. A session's contribution to
   * {@code analytics_hourly_sessions} moves from what was counted of it
   * ({@code analytics_session_rolled}) to its row in {@code sessions} now; later events of the
   * same session that are already in that row then move nothing (their difference is zero).
   * Events erased since they were queued are simply gone from the join.
   */
  static final String APPLY_PENDING = "WITH q AS (DELETE FROM analytics_pending WHERE id IN "
      + "(SELECT id FROM analytics_pending ORDER BY id LIMIT $1) RETURNING project_ids, event_ids), "
      + "u AS MATERIALIZED (SELECT e.project_id, date_trunc('hour', e.\"timestamp\", 'UTC') AS hour, e.event_type, "
      + "e.visitor_id, e.session_id, e.\"timestamp\" AS ts, e.data, 0::smallint AS slot "
      + "FROM q CROSS JOIN LATERAL unnest(q.project_ids, q.event_ids) AS k(p, i) "
      + "JOIN events e ON e.project_id = k.p AND e.id = k.i), "
      + "pv AS MATERIALIZED (SELECT project_id, hour, " + url("data") + " AS url, visitor_id, ts, slot FROM u "
      + "WHERE event_type = 'page_view' AND data->>'url' IS NOT NULL), "
      + "counts AS (INSERT INTO analytics_hourly AS a (project_id, hour, event_type, slot, events, revenue) "
      + "SELECT project_id, hour, event_type, slot, count(*), coalesce(sum(" + revenue("data") + "), 0) FROM u "
      + "GROUP BY project_id, hour, event_type, slot ORDER BY project_id, hour, event_type "
      + upsertAdding("project_id, hour, event_type, slot", "events", "revenue") + "), "
      + "hourly_pages AS (INSERT INTO analytics_hourly_pages AS a (project_id, hour, url, slot, views) "
      + "SELECT project_id, hour, url, slot, count(*) FROM pv GROUP BY project_id, hour, url, slot "
      + "ORDER BY project_id, hour, url " + upsertAdding("project_id, hour, url, slot", "views") + "), "
      + "daily_pages AS (INSERT INTO analytics_daily_pages AS a (project_id, day, url, slot, views) "
      + "SELECT project_id, date_trunc('day', ts, 'UTC'), url, slot, count(*) FROM pv GROUP BY 1, 2, 3, 4 "
      + "ORDER BY 1, 2, 3 " + upsertAdding("project_id, day, url, slot", "views") + "), "
      // Pages' last views: the pair's previous last view (null for a new pair) and this batch's.
      + "pl AS MATERIALIZED (SELECT n.project_id, n.url, n.visitor_id, n.last_view, o.last_view AS old, n.slot FROM "
      + "(SELECT project_id, url, visitor_id, max(ts) AS last_view, min(slot) AS slot FROM pv GROUP BY 1, 2, 3) n "
      + "LEFT JOIN analytics_page_last o ON o.project_id = n.project_id AND o.url = n.url "
      + "AND o.visitor_id = n.visitor_id), "
      + "pairs AS (INSERT INTO analytics_page_last AS a (project_id, url, visitor_id, last_view) "
      + "SELECT project_id, url, visitor_id, last_view FROM pl WHERE old IS NULL OR last_view > old "
      + "ON CONFLICT (project_id, url, visitor_id) DO UPDATE SET last_view = excluded.last_view), "
      + "page_last_hours AS (INSERT INTO analytics_page_last_hours AS a (project_id, url, hour, slot, visitors) "
      + "SELECT project_id, url, hour, slot, sum(n) FROM ("
      + "SELECT project_id, url, date_trunc('hour', old, 'UTC') AS hour, slot, -1 AS n FROM pl WHERE last_view > old "
      + "UNION ALL SELECT project_id, url, date_trunc('hour', last_view, 'UTC'), slot, 1 FROM pl "
      + "WHERE old IS NULL OR last_view > old) d GROUP BY 1, 2, 3, 4 HAVING sum(n) <> 0 ORDER BY 1, 2, 3 "
      + upsertAdding("project_id, url, hour, slot", "visitors") + "), "
      // Sessions: what was counted of each (r) and its row now (s).
      + "sm AS MATERIALIZED (SELECT s.project_id, s.id, 0::smallint AS slot, r.started_at AS old_start, "
      + "r.ended_at AS old_end, r.event_count AS old_events, s.started_at AS new_start, s.ended_at AS new_end, "
      + "s.event_count AS new_events FROM (SELECT DISTINCT project_id, session_id FROM u) n "
      + "JOIN sessions s ON s.project_id = n.project_id AND s.id = n.session_id "
      + "LEFT JOIN analytics_session_rolled r ON r.project_id = s.project_id AND r.session_id = s.id "
      + "WHERE r.event_count IS DISTINCT FROM s.event_count OR r.started_at <> s.started_at "
      + "OR r.ended_at <> s.ended_at), "
      + "session_hours AS (INSERT INTO analytics_hourly_sessions AS a (project_id, hour, slot, sessions, duration_ms, "
      + "bounces) SELECT project_id, hour, slot, sum(c), sum(ms), sum(b) FROM ("
      + "SELECT project_id, date_trunc('hour', old_start, 'UTC') AS hour, slot, -1 AS c, "
      + "-" + millis("old_end - old_start") + " AS ms, -(old_events = 1)::int AS b FROM sm WHERE old_start IS NOT NULL "
      + "UNION ALL SELECT project_id, date_trunc('hour', new_start, 'UTC'), slot, 1, "
      + millis("new_end - new_start") + ", (new_events = 1)::int FROM sm) d "
      + "GROUP BY 1, 2, 3 ORDER BY 1, 2 "
      + upsertAdding("project_id, hour, slot", "sessions", "duration_ms", "bounces") + "), "
      + "rolled AS (INSERT INTO analytics_session_rolled AS r (project_id, session_id, started_at, ended_at, "
      + "event_count) SELECT project_id, id, new_start, new_end, new_events FROM sm ORDER BY 1, 2 "
      + "ON CONFLICT (project_id, session_id) DO UPDATE SET started_at = excluded.started_at, "
      + "ended_at = excluded.ended_at, event_count = excluded.event_count), "
      + "visitor_hours AS (INSERT INTO analytics_visitor_hours (project_id, hour, visitor_id) "
      + "SELECT DISTINCT project_id, hour, visitor_id FROM u ON CONFLICT DO NOTHING) "
      + "SELECT count(*) AS commits FROM q";
}

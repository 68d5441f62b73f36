package io.echotag.analytics;

/**
 * The aggregate queries of {@code GET /v1/analytics}. Each reads one project's events in
 * [{@code $2}, {@code $3}) through the {@code (project_id, timestamp)} indexes; {@code $4} is the
 * list of conversion event types, and timeseries use {@code width_bucket} over the bucket
 * boundaries the caller computed in the requested time zone ({@code $5}), so that a day of 23 or
 * 25 hours is one bucket.
 */
final class AnalyticsSql {
  private AnalyticsSql() {
  }

  /** Revenue of a conversion: the first numeric of {@code data.revenue}, {@code data.value}, {@code data.amount}. */
  private static final String REVENUE = "CASE WHEN jsonb_typeof(data -> 'revenue') = 'number' THEN (data ->> 'revenue')::numeric "
      + "WHEN jsonb_typeof(data -> 'value') = 'number' THEN (data ->> 'value')::numeric "
      + "WHEN jsonb_typeof(data -> 'amount') = 'number' THEN (data ->> 'amount')::numeric END";

  private static final String RANGE = "project_id = $1 AND \"timestamp\" >= $2 AND \"timestamp\" < $3";

  static final String TOTALS = "SELECT count(*) AS events, count(DISTINCT visitor_id) AS visitors, "
      + "count(*) FILTER (WHERE event_type = ANY($4::text[])) AS conversions, "
      + "COALESCE(sum(" + REVENUE + ") FILTER (WHERE event_type = ANY($4::text[])), 0) AS revenue "
      + "FROM events WHERE " + RANGE;

  static final String BY_TYPE = "SELECT event_type, count(*) AS count FROM events WHERE " + RANGE
      + " GROUP BY event_type ORDER BY count DESC, event_type";

  /** Per bucket (1-based index into the boundaries; 0 and n fall outside the range). */
  static final String TIMESERIES = "SELECT width_bucket(\"timestamp\", $5::timestamptz[]) AS bucket, "
      + "count(*) AS events, count(DISTINCT visitor_id) AS visitors, "
      + "count(*) FILTER (WHERE event_type = ANY($4::text[])) AS conversions "
      + "FROM events WHERE " + RANGE + " GROUP BY bucket";

  /** Visitors first seen in the range (the rest of the range's visitors are returning). */
  static final String NEW_VISITORS = "SELECT count(*) FROM visitors WHERE project_id = $1 "
      + "AND first_seen >= $2 AND first_seen < $3";

  /** Sessions started in the range; a bounce is a session of one event. */
  static final String SESSIONS = "SELECT count(*) AS total, "
      + "COALESCE(avg(extract(epoch FROM ended_at - started_at) * 1000), 0) AS avg_duration_ms, "
      + "count(*) FILTER (WHERE event_count = 1) AS bounces "
      + "FROM sessions WHERE project_id = $1 AND started_at >= $2 AND started_at < $3";

  static final String PAGES = "SELECT data ->> 'url' AS url, count(*) AS views, count(DISTINCT visitor_id) AS visitors "
      + "FROM events WHERE " + RANGE + " AND event_type = 'page_view' AND jsonb_typeof(data -> 'url') = 'string' "
      + "GROUP BY 1 ORDER BY views DESC, url LIMIT $4";
}

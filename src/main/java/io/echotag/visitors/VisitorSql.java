package io.echotag.visitors;

/** The SQL of visitor profiles, their tags and their erasure; every statement filters on the project. */
final class VisitorSql {
  private VisitorSql() {
  }

  static final String PROFILE = "SELECT v.project_id, v.visitor_id, v.email, v.name, v.traits, v.first_seen, "
      + "v.last_seen, v.event_count, v.session_count, COALESCE((SELECT jsonb_agg(jsonb_build_object('id', t.id, "
      + "'name', t.name, 'color', t.color) ORDER BY t.name) FROM visitor_tags vt JOIN tags t ON t.id = vt.tag_id "
      + "WHERE vt.project_id = v.project_id AND vt.visitor_id = v.visitor_id), '[]'::jsonb) AS tags FROM visitors v ";

  static final String GET = PROFILE + "WHERE v.project_id = $1 AND v.visitor_id = $2";

  /**
   * The order of both lists, newest {@code last_seen} first: the index has the minute of
   * {@code last_seen} (V12, so that an event's update of its visitor stays in place), and the rows
   * of one minute are sorted.
   */
  private static final String NEWEST_FIRST = "ORDER BY v.last_seen_minute DESC, v.last_seen DESC, v.visitor_id ";

  static final String LIST = PROFILE + "WHERE v.project_id = $1 AND ($2::text IS NULL OR lower(v.email) = lower($2)) "
      + NEWEST_FIRST + "LIMIT $3 OFFSET $4";

  static final String LIST_BY_TAG = PROFILE + "JOIN visitor_tags f ON f.project_id = v.project_id "
      + "AND f.visitor_id = v.visitor_id AND f.tag_id = $2 "
      + "WHERE v.project_id = $1 AND ($3::text IS NULL OR lower(v.email) = lower($3)) "
      + NEWEST_FIRST + "LIMIT $4 OFFSET $5";

  static final String TAG_PROJECT = "SELECT project_id FROM tags WHERE id = $1";

  static final String UPDATE = "UPDATE visitors SET email = COALESCE($3, email), name = COALESCE($4, name), "
      + "traits = traits || COALESCE($5::jsonb, '{}'::jsonb) WHERE project_id = $1 AND visitor_id = $2 "
      + "RETURNING visitor_id";

  static final String EXISTS = "SELECT 1 FROM visitors WHERE project_id = $1 AND visitor_id = $2";

  static final String ASSIGN_TAG = "INSERT INTO visitor_tags (project_id, visitor_id, tag_id, assigned_at) "
      + "VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING RETURNING assigned_at";

  static final String ASSIGNED_AT = "SELECT assigned_at FROM visitor_tags WHERE project_id = $1 AND visitor_id = $2 "
      + "AND tag_id = $3";

  static final String UNASSIGN_TAG = "DELETE FROM visitor_tags WHERE project_id = $1 AND visitor_id = $2 "
      + "AND tag_id = $3";

  /**
   * Right to erasure: events (and their idempotency keys), sessions, the analytics rows that name
   * the visitor or its sessions, then the visitor; tag links cascade. Runs under the rollup
   * applier's lock ({@code AnalyticsRollups.withApplierHeld}).
   */
  static final String ERASE = "WITH gone AS (DELETE FROM events WHERE project_id = $1 AND visitor_id = $2 "
      + "RETURNING id), keys AS (DELETE FROM event_keys k USING gone WHERE k.project_id = $1 AND k.event_id = gone.id), "
      + "ended AS (DELETE FROM sessions WHERE project_id = $1 AND visitor_id = $2 RETURNING id), "
      + "rolled AS (DELETE FROM analytics_session_rolled r USING ended s "
      + "WHERE r.project_id = $1 AND r.session_id = s.id), "
      + "hours AS (DELETE FROM analytics_visitor_hours WHERE project_id = $1 AND visitor_id = $2), "
      + "pages AS (DELETE FROM analytics_page_last WHERE project_id = $1 AND visitor_id = $2) "
      + "DELETE FROM visitors WHERE project_id = $1 AND visitor_id = $2 RETURNING visitor_id";
}

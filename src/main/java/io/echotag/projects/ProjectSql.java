package io.echotag.projects;

/** The SQL of projects. */
final class ProjectSql {
  private ProjectSql() {
  }

  static final String COLUMNS = "id, organization_id, name, domain, timezone, settings, created_at, updated_at";

  static final String BY_ID = "SELECT " + COLUMNS + " FROM projects WHERE id = $1";

  static final String INSERT = "INSERT INTO projects (" + COLUMNS + ") VALUES ($1, $2, $3, $4, $5, $6, $7, $7) "
      + "RETURNING " + COLUMNS;

  static final String LIST = "SELECT " + COLUMNS + " FROM projects WHERE organization_id = $1 "
      + "AND ($2::text[] IS NULL OR id = ANY($2::text[])) ORDER BY created_at DESC, id DESC LIMIT $3 OFFSET $4";

  static final String UPDATE = "UPDATE projects SET name = $3, domain = $4, timezone = $5, settings = $6, "
      + "updated_at = now() WHERE id = $1 AND organization_id = $2 RETURNING " + COLUMNS;

  /**
   * Hot-path tables, and the rollup rows that name visitors or sessions, carry no foreign key, so
   * a deletion clears them first; the rest cascades. Runs under the rollup applier's lock
   * ({@code AnalyticsRollups.withApplierHeld}).
   */
  static final String DELETE = "WITH e AS (DELETE FROM events WHERE project_id = $1), "
      + "k AS (DELETE FROM event_keys WHERE project_id = $1), "
      + "s AS (DELETE FROM sessions WHERE project_id = $1), "
      + "vh AS (DELETE FROM analytics_visitor_hours WHERE project_id = $1), "
      + "pl AS (DELETE FROM analytics_page_last WHERE project_id = $1), "
      + "sr AS (DELETE FROM analytics_session_rolled WHERE project_id = $1), "
      + "d AS (DELETE FROM deliveries WHERE project_id = $1), "
      + "a AS (DELETE FROM delivery_attempts WHERE project_id = $1), "
      + "x AS (DELETE FROM executions WHERE project_id = $1), "
      + "w AS (DELETE FROM trigger_work WHERE project_id = $1) "
      + "DELETE FROM projects WHERE id = $1 AND organization_id = $2 RETURNING id";
}

package io.echotag.reports;

/**
 * The SQL of reports. Every statement filters on the project; the only user input is bound
 * ({@code $n}): project, date range, event types. Field names of filters, groups and metrics never
 * reach SQL — they are read in Java from the streamed {@code data}.
 */
final class ReportSql {
  private ReportSql() {
  }

  static final String COLUMNS = "project_id, id, name, report_type, definition, created_at, updated_at";

  static final String INSERT = "INSERT INTO reports (project_id, id, name, report_type, definition, created_at, "
      + "updated_at) VALUES ($1, $2, $3, $4, $5, now(), now()) RETURNING " + COLUMNS;

  static final String GET = "SELECT " + COLUMNS + " FROM reports WHERE project_id = $1 AND id = $2";

  static final String LIST = "SELECT " + COLUMNS + " FROM reports WHERE project_id = $1 "
      + "ORDER BY created_at DESC, id DESC LIMIT $2 OFFSET $3";

  static final String DELETE = "DELETE FROM reports WHERE project_id = $1 AND id = $2 RETURNING id";

  private static final String EVENT_COLUMNS = "e.project_id, e.id, e.event_type, e.visitor_id, e.session_id, e.data, "
      + "e.\"timestamp\", e.received_at";

  private static final String VISITOR_COLUMNS = ", v.email, v.name, v.traits, v.event_count, v.session_count, "
      + "v.first_seen";

  private static final String TAGS = ", COALESCE((SELECT jsonb_agg(t.name ORDER BY t.name) FROM visitor_tags vt "
      + "JOIN tags t ON t.id = vt.tag_id WHERE vt.project_id = v.project_id AND vt.visitor_id = v.visitor_id), "
      + "'[]'::jsonb) AS tags";

  private static final String JOIN_VISITORS = " LEFT JOIN visitors v ON v.project_id = e.project_id "
      + "AND v.visitor_id = e.visitor_id";

  /** $1 project, $2..$3 the window, $4 event types to narrow to (null: all). */
  private static final String EVENTS_WHERE = " WHERE e.project_id = $1 AND e.\"timestamp\" >= $2 "
      + "AND e.\"timestamp\" < $3 AND ($4::text[] IS NULL OR e.event_type = ANY($4::text[]))";

  private static final String BY_VISITOR = " ORDER BY e.visitor_id, e.\"timestamp\", e.id";

  /**
   * The project's events in a window; with the visitor's profile when conditions read
   * {@code visitor.} fields; in visitor-then-time order for funnels.
   */
  static String events(boolean visitors, boolean byVisitor) {
    return "SELECT " + EVENT_COLUMNS + (visitors ? VISITOR_COLUMNS + TAGS : "") + " FROM events e"
        + (visitors ? JOIN_VISITORS : "") + EVENTS_WHERE + (byVisitor ? BY_VISITOR : "");
  }

  /** $1 project, $2..$3 the window: every event, within the window, of the visitors first seen in it. */
  static String retention(boolean tags) {
    return "SELECT " + EVENT_COLUMNS + VISITOR_COLUMNS + (tags ? TAGS : "") + " FROM visitors v "
        + "JOIN events e ON e.project_id = v.project_id AND e.visitor_id = v.visitor_id "
        + "AND e.\"timestamp\" >= v.first_seen AND e.\"timestamp\" < $3 "
        + "WHERE v.project_id = $1 AND v.first_seen >= $2 AND v.first_seen < $3";
  }
}

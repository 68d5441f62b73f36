package io.echotag.triggers;

/** The SQL of triggers and executions; every statement filters on the project or comes from a claimed row. */
final class TriggerSql {
  private TriggerSql() {
  }

  static final String COLUMNS = "project_id, id, name, description, event_type, conditions, actions, frequency_cap, "
      + "is_active, executions, last_executed_at, created_at, updated_at";

  static final String INSERT = "INSERT INTO triggers (project_id, id, name, description, event_type, conditions, "
      + "actions, frequency_cap, is_active, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, now(), "
      + "now()) RETURNING " + COLUMNS;

  static final String GET = "SELECT " + COLUMNS + " FROM triggers WHERE project_id = $1 AND id = $2";

  static final String LIST = "SELECT " + COLUMNS + " FROM triggers WHERE project_id = $1 "
      + "AND ($2::boolean IS NULL OR is_active = $2) ORDER BY created_at DESC, id DESC LIMIT $3 OFFSET $4";

  static final String UPDATE = "UPDATE triggers SET name = $3, description = $4, event_type = $5, conditions = $6, "
      + "actions = $7, frequency_cap = $8, is_active = $9, updated_at = now() WHERE project_id = $1 AND id = $2 "
      + "RETURNING " + COLUMNS;

  static final String DELETE = "DELETE FROM triggers WHERE project_id = $1 AND id = $2 RETURNING id";

  static final String CANCEL_WAITING = "UPDATE executions SET status = 'cancelled', reason = $3, finished_at = now(), "
      + "updated_at = now() WHERE project_id = $1 AND trigger_id = $2 AND status = 'waiting'";

  static final String BY_IDS = "SELECT " + COLUMNS + " FROM triggers WHERE id = ANY($1::text[])";

  /** The active triggers of some projects, which the engine caches per project. */
  static final String ACTIVE_OF_PROJECTS = "SELECT " + COLUMNS + " FROM triggers "
      + "WHERE project_id = ANY($1::text[]) AND is_active ORDER BY created_at, id";

  /**
   * Locks a batch of trigger work (one row per event); the rows are deleted in the transaction
   * that records the outcome.
   */
  static final String CLAIM_WORK = "SELECT project_id, event_id, depth, source_trigger_id, created_at "
      + "FROM trigger_work ORDER BY created_at LIMIT $1 FOR UPDATE SKIP LOCKED";

  static final String DELETE_WORK = "DELETE FROM trigger_work w USING unnest($1::text[], $2::text[]) AS u(p, e) "
      + "WHERE w.project_id = u.p AND w.event_id = u.e";

  /** Due waiting executions, locked until the transaction that runs or cancels them commits. */
  static final String CLAIM_DUE = "SELECT project_id, id, trigger_id, event_id, visitor_id, depth, created_at "
      + "FROM executions WHERE status = 'waiting' AND scheduled_for <= now() ORDER BY scheduled_for "
      + "LIMIT $1 FOR UPDATE SKIP LOCKED";

  /**
   * One primary-key probe per id: {@code LIMIT 1} keeps the planner from flattening the
   * {@code LATERAL} subquery into a hash join that reads the whole table (its pick while a table
   * is small, and a sequential scan per engine pass).
   */
  static final String EVENTS_BY_IDS = "SELECT e.project_id, e.id, e.event_type, e.visitor_id, e.session_id, e.data, "
      + "e.\"timestamp\", e.received_at FROM (SELECT DISTINCT p, i FROM unnest($1::text[], $2::text[]) AS x(p, i)) u "
      + "CROSS JOIN LATERAL (SELECT * FROM events WHERE project_id = u.p AND id = u.i LIMIT 1) e";

  /** Like {@link #EVENTS_BY_IDS}: a primary-key probe per visitor. */
  static final String VISITORS = "SELECT v.project_id, v.visitor_id, v.email, v.name, v.traits, v.event_count, "
      + "v.session_count, COALESCE((SELECT jsonb_agg(t.name ORDER BY t.name) FROM visitor_tags vt "
      + "JOIN tags t ON t.id = vt.tag_id WHERE vt.project_id = v.project_id AND vt.visitor_id = v.visitor_id), "
      + "'[]'::jsonb) AS tags FROM (SELECT DISTINCT p, i FROM unnest($1::text[], $2::text[]) AS x(p, i)) u "
      + "CROSS JOIN LATERAL (SELECT * FROM visitors WHERE project_id = u.p AND visitor_id = u.i LIMIT 1) v";

  /** The visitor's events after the triggering one, for {@code no_event} wait conditions. */
  static final String LATER_EVENTS = "SELECT project_id, id, event_type, visitor_id, session_id, data, \"timestamp\", "
      + "received_at FROM events WHERE project_id = $1 AND visitor_id = $2 AND \"timestamp\" >= $3 AND id <> $4 "
      + "ORDER BY \"timestamp\" LIMIT 10000";

  /** Starts (or restarts) the wait of this trigger for this visitor: one waiting execution per pair. */
  static final String UPSERT_WAITING = "INSERT INTO executions (project_id, id, trigger_id, event_id, visitor_id, status, "
      + "depth, scheduled_for, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, 'waiting', $6, $7, now(), now()) "
      + "ON CONFLICT (trigger_id, visitor_id) WHERE status = 'waiting' DO UPDATE SET event_id = excluded.event_id, "
      + "scheduled_for = excluded.scheduled_for, depth = excluded.depth, updated_at = now()";

  /**
   * Finished executions. {@code finished_at} is the clock's time, not {@code now()}: that is the
   * start of the engine's transaction, earlier than the {@code started_at} the engine measured.
   */
  static final String INSERT_FINISHED = "INSERT INTO executions (project_id, id, trigger_id, event_id, visitor_id, "
      + "status, depth, started_at, finished_at, actions, reason, created_at, updated_at) "
      + "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, clock_timestamp(), $9, $10, now(), now()) "
      + "ON CONFLICT (trigger_id, event_id) DO NOTHING";

  static final String FINISH_WAITING = "UPDATE executions SET status = $2, started_at = $3, "
      + "finished_at = clock_timestamp(), actions = $4, reason = $5, updated_at = now() WHERE id = $1";

  static final String COUNT_EXECUTION = "UPDATE triggers SET executions = executions + 1, last_executed_at = now() "
      + "WHERE id = $1";

  static final String CAPPED = "SELECT 1 FROM executions WHERE trigger_id = $1 AND visitor_id = $2 "
      + "AND status = 'succeeded' AND finished_at > now() - make_interval(secs => $3) LIMIT 1";

  static final String WAITING_COUNT = "SELECT count(*) FROM executions WHERE status = 'waiting'";

  static final String EXECUTION_COLUMNS = "project_id, id, trigger_id, event_id, visitor_id, status, scheduled_for, "
      + "started_at, finished_at, actions, reason, created_at";
}

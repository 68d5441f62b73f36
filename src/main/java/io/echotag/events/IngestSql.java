package io.echotag.events;

/**
 * The statements of one group commit. Each takes whole arrays ({@code unnest}), so a batch of
 * any size costs the same few round trips. Rows are always touched in (project, visitor) or
 * (project, key) order so that concurrent commits cannot deadlock on each other.
 */
final class IngestSql {
  private IngestSql() {
  }

  /**
   * Claims idempotency keys. A key that exists and is younger than the window is not returned:
   * that event is a repeat. An expired key is taken over by the new event.
   */
  static final String CLAIM_KEYS = "INSERT INTO event_keys AS k (project_id, key, event_id, created_at) "
      + "SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[]) "
      + "ON CONFLICT (project_id, key) DO UPDATE SET event_id = excluded.event_id, created_at = excluded.created_at "
      + "WHERE k.created_at < excluded.created_at - make_interval(days => $5) "
      + "RETURNING k.project_id, k.key";

  /** The first events of repeated keys, answered instead of storing a second row. */
  static final String REPEATS = "SELECT k.key, e.project_id, e.id, e.event_type, e.visitor_id, e.session_id, e.data, "
      + "e.timestamp, e.received_at FROM unnest($1::text[], $2::text[]) AS u(project_id, key) "
      + "JOIN event_keys k ON k.project_id = u.project_id AND k.key = u.key "
      + "JOIN events e ON e.project_id = k.project_id AND e.id = k.event_id";

  /**
   * Creates the visitors the lock below did not find (their first event), so that the lock, run
   * again, sees every visitor of the batch. Skipped when every visitor has a row.
   */
  static final String INSERT_VISITORS = "INSERT INTO visitors (project_id, visitor_id, first_seen, last_seen) "
      + "SELECT * FROM unnest($1::text[], $2::text[], $3::timestamptz[], $3::timestamptz[]) "
      + "ON CONFLICT (project_id, visitor_id) DO NOTHING";

  /**
   * Locks the batch's visitors and reads their current session, for sessionization. One index
   * probe per visitor, in the order of the arrays (sorted by the caller, so concurrent commits lock
   * alike): the row lock inside the LATERAL subquery keeps the planner from turning this into a
   * hash join over the whole visitors table, which it prefers for small tables and which costs
   * a sequential scan per commit. {@code NO KEY UPDATE}: commits on the same visitor still take
   * turns, but rows that only reference a visitor (foreign keys, such as the analytics rollups'
   * presence rows, take a key-share lock) are written without waiting for them.
   */
  static final String LOCK_VISITORS = "SELECT v.project_id, v.visitor_id, v.session_id, v.session_started_at, "
      + "v.session_last_at FROM unnest($1::text[], $2::text[]) AS u(project_id, visitor_id) "
      + "CROSS JOIN LATERAL (SELECT * FROM visitors x WHERE x.project_id = u.project_id "
      + "AND x.visitor_id = u.visitor_id FOR NO KEY UPDATE) AS v";

  static final String INSERT_EVENTS = "INSERT INTO events (project_id, id, event_type, visitor_id, session_id, data, "
      + "\"timestamp\", received_at) "
      + "SELECT p, i, t, v, s, d::jsonb, ts, r FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], "
      + "$6::text[], $7::timestamptz[], $8::timestamptz[]) AS u(p, i, t, v, s, d, ts, r)";

  /**
   * Counts, first/last seen, current session, and what {@code identify} events said. Written as
   * an upsert of rows that exist (created and locked above) so that PostgreSQL finds each one
   * through the primary key: an {@code UPDATE ... FROM unnest(...)} is planned as a hash join
   * with a sequential scan of visitors on small and medium tables.
   */
  static final String UPDATE_VISITORS = "INSERT INTO visitors AS v (project_id, visitor_id, first_seen, last_seen, "
      + "event_count, session_count, session_id, session_started_at, session_last_at, email, name, traits) "
      + "SELECT p, vid, fs, ls, n, ns, sid, ss, sl, em, nm, COALESCE(tr::jsonb, '{}'::jsonb) "
      + "FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::timestamptz[], $5::int[], $6::int[], $7::text[], "
      + "$8::timestamptz[], $9::timestamptz[], $10::text[], $11::text[], $12::text[]) "
      + "AS u(p, vid, fs, ls, n, ns, sid, ss, sl, em, nm, tr) "
      + "ON CONFLICT (project_id, visitor_id) DO UPDATE SET "
      + "first_seen = LEAST(v.first_seen, excluded.first_seen), "
      + "last_seen = GREATEST(v.last_seen, excluded.last_seen), "
      + "event_count = v.event_count + excluded.event_count, "
      + "session_count = v.session_count + excluded.session_count, "
      + "session_id = excluded.session_id, session_started_at = excluded.session_started_at, "
      + "session_last_at = excluded.session_last_at, "
      + "email = COALESCE(excluded.email, v.email), "
      + "name = COALESCE(excluded.name, v.name), "
      + "traits = v.traits || excluded.traits";

  /** Sessions merge: earliest start and entry, latest end and exit, counts add up. */
  static final String UPSERT_SESSIONS = "INSERT INTO sessions AS s (project_id, id, visitor_id, started_at, ended_at, "
      + "event_count, entry_url, exit_url, referrer) "
      + "SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[], $5::timestamptz[], $6::int[], "
      + "$7::text[], $8::text[], $9::text[]) "
      + "ON CONFLICT (project_id, id) DO UPDATE SET "
      + "started_at = LEAST(s.started_at, excluded.started_at), "
      + "ended_at = GREATEST(s.ended_at, excluded.ended_at), "
      + "event_count = s.event_count + excluded.event_count, "
      + "entry_url = CASE WHEN excluded.started_at < s.started_at THEN COALESCE(excluded.entry_url, s.entry_url) "
      + "ELSE COALESCE(s.entry_url, excluded.entry_url) END, "
      + "exit_url = CASE WHEN excluded.ended_at >= s.ended_at THEN COALESCE(excluded.exit_url, s.exit_url) "
      + "ELSE COALESCE(s.exit_url, excluded.exit_url) END, "
      + "referrer = CASE WHEN excluded.started_at < s.started_at THEN excluded.referrer ELSE s.referrer END";

  /**
   * The trigger outbox: one work row per event that some active trigger of its project listens
   * for (its type or {@code *}), whatever the number of such triggers; the engine evaluates them
   * all. A trigger never works on its own derived event, and chains stop at depth 3.
   */
  static final String ENQUEUE_TRIGGER_WORK = "INSERT INTO trigger_work (project_id, event_id, depth, "
      + "source_trigger_id, created_at) SELECT u.project_id, u.event_id, u.depth, u.source, now() "
      + "FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::text[]) "
      + "AS u(project_id, event_id, event_type, depth, source) "
      + "WHERE u.depth < " + IngestSql.MAX_DEPTH + " AND EXISTS (SELECT 1 FROM triggers t "
      + "WHERE t.project_id = u.project_id AND t.is_active AND t.event_type IN (u.event_type, '*') "
      + "AND t.id IS DISTINCT FROM u.source) "
      + "ON CONFLICT DO NOTHING";

  /**
   * Derived events this deep start no trigger ({@code depth < MAX_DEPTH} above): an event from a
   * client is depth 0, so at most three triggers run in a row and the third's event ends the chain.
   */
  static final int MAX_DEPTH = 3;
}

package io.echotag.webhooks;

/** The delivery engine's queue contract: claim, record, postpone — and the ingest outbox insert. */
public final class DeliverySql {
  private DeliverySql() {
  }

  /**
   * The outbox at ingest: one delivery per (event, active webhook subscribed to its type),
   * written in the ingest transaction. The request is built at send time from the webhook and
   * the event.
   */
  public static final String ENQUEUE_FOR_EVENTS = "INSERT INTO deliveries (project_id, id, endpoint, webhook_id, "
      + "event_id, event_type, next_attempt_at, created_at, updated_at) "
      + "SELECT u.project_id, echotag_id('del'), 'wh:' || w.id, w.id, u.event_id, u.event_type, now(), now(), now() "
      + "FROM unnest($1::text[], $2::text[], $3::text[]) AS u(project_id, event_id, event_type) "
      + "JOIN webhooks w ON w.project_id = u.project_id AND w.is_active AND w.events && ARRAY[u.event_type, '*'] "
      + "RETURNING id";

  /**
   * Claims due deliveries under a lease, skipping rows other nodes hold and endpoints that are
   * saturated or whose circuit is open (they wait without spending attempts). Returns each
   * delivery with what is needed to build its request. The sweep: uses the partial index
   * {@code deliveries_due}.
   */
  static final String CLAIM = claim("SELECT id FROM deliveries "
      + "WHERE status IN ('pending', 'retrying') AND next_attempt_at <= now() "
      + "AND (lease_expires_at IS NULL OR lease_expires_at < now()) AND endpoint <> ALL($3::text[]) "
      + "ORDER BY next_attempt_at LIMIT $2 FOR UPDATE SKIP LOCKED");

  /**
   * The fast path: claims the given new deliveries by primary key (the ingest on this node just
   * committed them), with the same lease and the same conditions as {@link #CLAIM}, without a
   * scan. $2 bounds the claim; $3 is unused (same parameters as CLAIM).
   */
  static final String CLAIM_IDS = claim("SELECT id FROM deliveries "
      + "WHERE id = ANY($5::text[]) AND status IN ('pending', 'retrying') AND next_attempt_at <= now() "
      + "AND (lease_expires_at IS NULL OR lease_expires_at < now()) AND endpoint <> ALL($3::text[]) "
      + "LIMIT $2 FOR UPDATE SKIP LOCKED");

  private static String claim(String due) {
    return "WITH due AS (" + due + "), "
        + "claimed AS (UPDATE deliveries d SET lease_owner = $1, lease_expires_at = now() + make_interval(secs => $4) "
        + "FROM due WHERE d.id = due.id RETURNING d.*) "
        + "SELECT c.project_id, c.id, c.endpoint, c.webhook_id, c.integration_id, c.event_id, c.event_type, c.url, "
        + "c.method, c.headers, c.body, c.attempts, c.created_at, "
        + "w.url AS w_url, w.method AS w_method, w.headers AS w_headers, w.is_active AS w_active, w.secret AS w_secret, "
        + "w.previous_secret AS w_previous_secret, w.previous_secret_expires_at AS w_previous_expires, "
        + "w.retry_config AS w_retry, "
        + "i.type AS i_type, i.config AS i_config, i.is_active AS i_active, "
        + "e.event_type AS e_event_type, e.visitor_id AS e_visitor_id, e.session_id AS e_session_id, e.data AS e_data, "
        + "e.timestamp AS e_timestamp, e.received_at AS e_received_at "
        + "FROM claimed c LEFT JOIN webhooks w ON w.id = c.webhook_id AND w.project_id = c.project_id "
        + "LEFT JOIN integrations i ON i.id = c.integration_id AND i.project_id = c.project_id "
        + "LEFT JOIN events e ON e.project_id = c.project_id AND e.id = c.event_id";
  }

  /**
   * Records a batch of attempts in one statement (arrays, one element per attempt): inserts
   * every attempt, and moves each delivery on if this node still holds its lease. $16 is the
   * lease owner. Request and response are JSON text (NULL for no response).
   */
  static final String RECORD_BATCH = "WITH a AS (SELECT * FROM unnest($1::text[], $2::text[], $3::text[], "
      + "$4::text[], $5::text[], $6::text[], $7::int[], $8::text[], $9::int[], $10::int[], $11::text[], $12::text[], "
      + "$13::text[], $14::text[], $15::timestamptz[]) AS t(project_id, id, delivery_id, webhook_id, event_id, "
      + "event_type, attempt, status, status_code, duration_ms, error_code, error, request, response, next_retry_at)), "
      + "attempt AS (INSERT INTO delivery_attempts (project_id, id, delivery_id, webhook_id, event_id, event_type, "
      + "attempt, status, status_code, duration_ms, error_code, error, request, response, next_retry_at, created_at) "
      + "SELECT project_id, id, delivery_id, webhook_id, event_id, event_type, attempt, status, status_code, "
      + "duration_ms, error_code, error, request::jsonb, response::jsonb, next_retry_at, now() FROM a) "
      + "UPDATE deliveries d SET status = a.status, attempts = a.attempt, "
      + "next_attempt_at = COALESCE(a.next_retry_at, d.next_attempt_at), lease_owner = NULL, lease_expires_at = NULL, "
      + "last_status_code = a.status_code, last_error_code = a.error_code, last_error = a.error, updated_at = now() "
      + "FROM a WHERE d.id = a.delivery_id AND d.lease_owner = $16";

  /** Gives a claimed delivery back without an attempt (its circuit opened meanwhile). */
  static final String POSTPONE = "UPDATE deliveries SET lease_owner = NULL, lease_expires_at = NULL, "
      + "next_attempt_at = now() + make_interval(secs => $2) WHERE id = $1 AND lease_owner = $3";

  /** Gives back every lease this node holds (graceful stop). */
  static final String RELEASE_ALL = "UPDATE deliveries SET lease_owner = NULL, lease_expires_at = NULL "
      + "WHERE lease_owner = $1 AND status IN ('pending', 'retrying')";

  static final String DEACTIVATE_WEBHOOK = "UPDATE webhooks SET is_active = false, disabled_reason = $3, "
      + "updated_at = now() WHERE id = $1 AND project_id = $2";

  static final String PENDING = "SELECT count(*) FROM deliveries WHERE status IN ('pending', 'retrying')";
}

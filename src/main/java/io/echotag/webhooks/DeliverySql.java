package io.echotag.webhooks;

/**
 * The delivery engine's queue contract: the ingest outbox insert (leased to this node's engine when
 * one runs), claim, record, postpone, give back.
 */
final class DeliverySql {
  private DeliverySql() {
  }

  /**
   * Each delivery of the CTE {@code c} (leased deliveries) with the webhook, integration and event
   * its request is built from: the columns {@link ClaimedDelivery#from} reads.
   */
  private static final String SENDABLE = "SELECT c.project_id, c.id, c.endpoint, c.webhook_id, c.integration_id, "
      + "c.event_id, c.event_type, c.url, c.method, c.headers, c.body, c.attempts, c.created_at, "
      + "w.url AS w_url, w.method AS w_method, w.headers AS w_headers, w.is_active AS w_active, w.secret AS w_secret, "
      + "w.previous_secret AS w_previous_secret, w.previous_secret_expires_at AS w_previous_expires, "
      + "w.retry_config AS w_retry, "
      + "i.type AS i_type, i.config AS i_config, i.is_active AS i_active, "
      + "e.event_type AS e_event_type, e.visitor_id AS e_visitor_id, e.session_id AS e_session_id, e.data AS e_data, "
      + "e.timestamp AS e_timestamp, e.received_at AS e_received_at "
      + "FROM c LEFT JOIN webhooks w ON w.id = c.webhook_id AND w.project_id = c.project_id "
      + "LEFT JOIN integrations i ON i.id = c.integration_id AND i.project_id = c.project_id "
      + "LEFT JOIN events e ON e.project_id = c.project_id AND e.id = c.event_id";

  /** One delivery per (event of $1..$3, active webhook subscribed to its type), with the given lease. */
  private static String enqueueForEvents(String leaseOwner, String leaseExpiresAt) {
    return "INSERT INTO deliveries (project_id, id, endpoint, webhook_id, event_id, event_type, next_attempt_at, "
        + "lease_owner, lease_expires_at, created_at, updated_at) "
        + "SELECT u.project_id, echotag_id('del'), 'wh:' || w.id, w.id, u.event_id, u.event_type, now(), "
        + leaseOwner + ", " + leaseExpiresAt + ", now(), now() "
        + "FROM unnest($1::text[], $2::text[], $3::text[]) AS u(project_id, event_id, event_type) "
        + "JOIN webhooks w ON w.project_id = u.project_id AND w.is_active AND w.events && ARRAY[u.event_type, '*']";
  }

  /**
   * The outbox at ingest when no delivery engine runs on this node: one delivery per (event,
   * active webhook subscribed to its type), written unleased in the ingest transaction for the
   * sweeps to claim. The request is built at send time from the webhook and the event.
   */
  static final String ENQUEUE_FOR_EVENTS = enqueueForEvents("NULL", "NULL");

  /**
   * The outbox at ingest when this node's engine takes the deliveries ({@link DeliveryHandOver}):
   * the same rows, written already leased to it ($4 the owner, $5 the lease seconds), and read
   * back in the same statement with what {@link ClaimedDelivery#from} needs (the events inserted
   * earlier in the transaction are visible to it). No claim follows.
   */
  static final String ENQUEUE_LEASED_FOR_EVENTS = "WITH c AS ("
      + enqueueForEvents("$4::text", "now() + make_interval(secs => $5)") + " RETURNING *) " + SENDABLE;

  /**
   * The sweep: claims due deliveries under a lease, skipping rows other nodes hold and endpoints
   * that are saturated or whose circuit is open (they wait without spending attempts). Returns
   * each delivery with what is needed to build its request. Uses the partial index
   * {@code deliveries_due}.
   */
  static final String CLAIM = "WITH due AS (SELECT id FROM deliveries "
      + "WHERE status IN ('pending', 'retrying') AND next_attempt_at <= now() "
      + "AND (lease_expires_at IS NULL OR lease_expires_at < now()) AND endpoint <> ALL($3::text[]) "
      + "ORDER BY next_attempt_at LIMIT $2 FOR UPDATE SKIP LOCKED), "
      + "c AS (UPDATE deliveries d SET lease_owner = $1, lease_expires_at = now() + make_interval(secs => $4) "
      + "FROM due WHERE d.id = due.id RETURNING d.*) " + SENDABLE;

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

  /**
   * Gives back deliveries this node holds but will not send now (a hand-over beyond its room, or
   * to an endpoint whose circuit is open, or one its engine stopped before taking): $1 the ids,
   * $2 the owner. The sweeps take them as any due row.
   */
  static final String RELEASE = "UPDATE deliveries SET lease_owner = NULL, lease_expires_at = NULL "
      + "WHERE id = ANY($1::text[]) AND lease_owner = $2";

  /** Gives back every lease this node holds (graceful stop). */
  static final String RELEASE_ALL = "UPDATE deliveries SET lease_owner = NULL, lease_expires_at = NULL "
      + "WHERE lease_owner = $1 AND status IN ('pending', 'retrying')";

  static final String DEACTIVATE_WEBHOOK = "UPDATE webhooks SET is_active = false, disabled_reason = $3, "
      + "updated_at = now() WHERE id = $1 AND project_id = $2";

  static final String PENDING = "SELECT count(*) FROM deliveries WHERE status IN ('pending', 'retrying')";
}

package io.echotag.webhooks;

/** The SQL of webhook definitions, their logs and manual retries; every statement filters on the project. */
final class WebhookSql {
  private WebhookSql() {
  }

  static final String COLUMNS = "project_id, id, name, url, method, headers, events, is_active, disabled_reason, "
      + "retry_config, secret, previous_secret, previous_secret_expires_at, created_at, updated_at";

  static final String INSERT = "INSERT INTO webhooks (project_id, id, name, url, method, headers, events, is_active, "
      + "retry_config, secret, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, now(), now()) "
      + "RETURNING " + COLUMNS;

  static final String GET = "SELECT " + COLUMNS + " FROM webhooks WHERE project_id = $1 AND id = $2";

  static final String LIST = "SELECT " + COLUMNS + " FROM webhooks WHERE project_id = $1 "
      + "ORDER BY created_at DESC, id DESC LIMIT $2 OFFSET $3";

  /** Reactivating clears the reason it was disabled. */
  static final String UPDATE = "UPDATE webhooks SET name = $3, url = $4, method = $5, headers = $6, events = $7, "
      + "is_active = $8, retry_config = $9, secret = $10, "
      + "disabled_reason = CASE WHEN $8 THEN NULL ELSE disabled_reason END, updated_at = now() "
      + "WHERE project_id = $1 AND id = $2 RETURNING " + COLUMNS;

  static final String DELETE = "DELETE FROM webhooks WHERE project_id = $1 AND id = $2 RETURNING id";

  static final String ROTATE = "UPDATE webhooks SET previous_secret = secret, "
      + "previous_secret_expires_at = now() + make_interval(secs => $4), secret = $3, updated_at = now() "
      + "WHERE project_id = $1 AND id = $2 RETURNING " + COLUMNS;

  static final String ATTEMPT_COLUMNS = "id, delivery_id, webhook_id, event_id, event_type, attempt, status, "
      + "status_code, duration_ms, error_code, error, request, response, next_retry_at, created_at";

  static final String LOGS = "SELECT " + ATTEMPT_COLUMNS + " FROM delivery_attempts WHERE project_id = $1 "
      + "AND webhook_id = $2 AND ($3::text IS NULL OR status = $3) AND ($4::timestamptz IS NULL OR created_at >= $4) "
      + "AND ($5::timestamptz IS NULL OR created_at < $5) ORDER BY created_at DESC, id DESC LIMIT $6 OFFSET $7";

  /** Deliveries not attempted yet, shown in the logs as {@code pending} entries of attempt 0. */
  static final String PENDING_LOGS = "SELECT id AS delivery_id, webhook_id, event_id, event_type, created_at, "
      + "next_attempt_at FROM deliveries WHERE project_id = $1 AND webhook_id = $2 AND status = 'pending' "
      + "AND attempts = 0 AND ($3::timestamptz IS NULL OR created_at >= $3) "
      + "AND ($4::timestamptz IS NULL OR created_at < $4) ORDER BY created_at DESC, id DESC LIMIT $5 OFFSET $6";

  /**
   * A test send is stored as {@code failed} until its one attempt is recorded, so the engine never
   * picks it up: if the node dies mid-send, it is not sent again later (it can be retried by hand).
   */
  static final String INSERT_TEST_DELIVERY = "INSERT INTO deliveries (project_id, id, endpoint, webhook_id, "
      + "integration_id, event_type, url, method, headers, body, status, attempts, next_attempt_at, lease_owner, "
      + "lease_expires_at, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, 'test_event', $6, $7, $8, $9, "
      + "'failed', 0, now(), NULL, NULL, now(), now())";

  static final String FINISH_TEST_DELIVERY = "WITH attempt AS (INSERT INTO delivery_attempts (project_id, id, "
      + "delivery_id, webhook_id, event_type, attempt, status, status_code, duration_ms, error_code, error, request, "
      + "response, created_at) VALUES ($1, $2, $3, $4, 'test_event', 1, $5, $6, $7, $8, $9, $10, $11, now())) "
      + "UPDATE deliveries SET status = $5, attempts = 1, lease_owner = NULL, lease_expires_at = NULL, "
      + "last_status_code = $6, last_error_code = $8, last_error = $9, updated_at = now() WHERE id = $3";

  static final String RETRY = "UPDATE deliveries SET status = 'pending', attempts = 0, next_attempt_at = now(), "
      + "lease_owner = NULL, lease_expires_at = NULL, updated_at = now() "
      + "WHERE project_id = $1 AND webhook_id = $2 AND id = $3 AND status = 'failed' RETURNING id";

  static final String DELIVERY_STATUS = "SELECT status FROM deliveries WHERE project_id = $1 AND webhook_id = $2 "
      + "AND id = $3";

  static final String RECOVER = "UPDATE deliveries SET status = 'pending', attempts = 0, next_attempt_at = now(), "
      + "lease_owner = NULL, lease_expires_at = NULL, updated_at = now() "
      + "WHERE project_id = $1 AND webhook_id = $2 AND status = 'failed' AND created_at >= $3";
}

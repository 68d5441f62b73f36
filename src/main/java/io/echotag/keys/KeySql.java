package io.echotag.keys;

/** The SQL of API keys; every statement on keys lives here. */
final class KeySql {
  private KeySql() {
  }

  static final String COLUMNS = "id, organization_id, name, prefix, scopes, project_ids, default_project_id, "
      + "created_at, expires_at, revoked_at, last_used_at";

  static final String BY_HASH = "SELECT " + COLUMNS + " FROM api_keys WHERE key_hash = $1";

  static final String INSERT = "INSERT INTO api_keys (id, organization_id, name, key_hash, prefix, scopes, "
      + "project_ids, default_project_id, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING " + COLUMNS;

  /** Keys of the organization; a restricted caller sees only keys confined to its own projects. */
  static final String LIST = "SELECT " + COLUMNS + " FROM api_keys WHERE organization_id = $1 "
      + "AND revoked_at IS NULL AND ($2::text[] IS NULL OR (project_ids IS NOT NULL AND project_ids <@ $2::text[])) "
      + "ORDER BY created_at DESC, id DESC LIMIT $3 OFFSET $4";

  static final String REVOKE = "UPDATE api_keys SET revoked_at = now() WHERE id = $1 AND organization_id = $2 "
      + "AND revoked_at IS NULL AND ($3::text[] IS NULL OR (project_ids IS NOT NULL AND project_ids <@ $3::text[])) "
      + "RETURNING id";

  static final String EXPIRE = "UPDATE api_keys SET expires_at = LEAST(COALESCE(expires_at, $2), $2) "
      + "WHERE id = $1 RETURNING expires_at";

  static final String TOUCH = "UPDATE api_keys k SET last_used_at = u.used_at "
      + "FROM unnest($1::text[], $2::timestamptz[]) AS u(id, used_at) "
      + "WHERE k.id = u.id AND (k.last_used_at IS NULL OR k.last_used_at < u.used_at)";

  static final String ANY_KEY = "SELECT EXISTS (SELECT 1 FROM api_keys) AS present";

  static final String LOCK_BOOTSTRAP = "SELECT pg_advisory_xact_lock(4242001)";

  static final String FIRST_PROJECT = "SELECT p.id, p.organization_id FROM projects p "
      + "ORDER BY p.created_at, p.id LIMIT 1";

  static final String INSERT_ORGANIZATION = "INSERT INTO organizations (id, name) VALUES ($1, $2)";
}

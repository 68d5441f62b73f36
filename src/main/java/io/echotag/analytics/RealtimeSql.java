package io.echotag.analytics;

/** SQL of the realtime feature: only the stream-token secret (server-wide, not project data). */
final class RealtimeSql {
  private RealtimeSql() {
  }

  /**
   * The secret named $1, created with the value $2 if there is none yet. Nodes that race on the
   * first use all end up with the one value that was inserted first.
   */
  static final String SECRET = "WITH created AS (INSERT INTO server_secrets (name, secret) VALUES ($1, $2) "
      + "ON CONFLICT (name) DO NOTHING RETURNING secret) "
      + "SELECT secret FROM created UNION ALL SELECT secret FROM server_secrets WHERE name = $1 LIMIT 1";
}

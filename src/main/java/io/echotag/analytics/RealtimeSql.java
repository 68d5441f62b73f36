package io.echotag.analytics;

/** SQL of the realtime feature: only the stream-token secret (server-wide, not project data). */
final class RealtimeSql {
  private RealtimeSql() {
  }

  /**
   * The secret named $1, created with the value $2 if there is none yet. Nodes that race on the
   * first use all end up with the one value that was inserted first: {@code DO UPDATE} waits for
   * a concurrent insert to commit and returns the committed row, which {@code DO NOTHING} and a
   * second SELECT in the same statement would not see (its snapshot predates that commit).
   */
  static final String SECRET = "INSERT INTO server_secrets (name, secret) VALUES ($1, $2) "
      + "ON CONFLICT (name) DO UPDATE SET name = EXCLUDED.name RETURNING secret";
}

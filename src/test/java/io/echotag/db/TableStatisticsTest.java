package io.echotag.db;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What autovacuum's ANALYZE does on the tables that grow with every event: it skips their payload
 * columns and still gathers statistics for the columns that plans use, and it comes at half of the
 * delivery tables' growth instead of a tenth.
 */
class TableStatisticsTest {

  @Test
  void analyzeSkipsPayloadColumns(@TempDir Path dir) throws Exception {
    onMigratedDatabase(dir, statement -> {
      statement.execute("INSERT INTO organizations (id, name) VALUES ('org_s', 'stats')");
      statement.execute("INSERT INTO projects (id, organization_id, name, created_at, updated_at) "
          + "VALUES ('prj_s', 'org_s', 'stats', now(), now())");
      statement.execute("INSERT INTO events (project_id, id, event_type, visitor_id, data, \"timestamp\", received_at) "
          + "SELECT 'prj_s', 'evt_' || i, 'page_view', 'v' || (i % 50), jsonb_build_object('url', '/p/' || i), "
          + "now(), now() FROM generate_series(1, 500) i");
      statement.execute("INSERT INTO visitors (project_id, visitor_id, first_seen, last_seen, traits) "
          + "SELECT 'prj_s', 'v' || i, now(), now(), jsonb_build_object('plan', 'p' || i) FROM generate_series(1, 50) i");
      statement.execute("INSERT INTO deliveries (project_id, id, endpoint, event_id, headers, body, last_error, "
          + "next_attempt_at, created_at, updated_at) SELECT 'prj_s', 'dlv_' || i, 'wh:1', 'evt_' || i, "
          + "'{\"x-a\": \"1\"}', '{\"n\": ' || i || '}', 'timeout', now(), now(), now() FROM generate_series(1, 500) i");
      statement.execute("INSERT INTO delivery_attempts (project_id, id, delivery_id, attempt, status, duration_ms, "
          + "error, request, response, created_at) SELECT 'prj_s', 'att_' || i, 'dlv_' || i, 1, 'failed', 5, "
          + "'timeout', jsonb_build_object('url', '/hook/' || i), jsonb_build_object('status', 500), now() "
          + "FROM generate_series(1, 500) i");
      statement.execute("ANALYZE events, visitors, deliveries, delivery_attempts");

      Set<String> analyzed = new HashSet<>();
      try (ResultSet rows = statement.executeQuery("SELECT tablename || '.' || attname FROM pg_stats "
          + "WHERE schemaname = 'public' AND tablename IN ('events', 'visitors', 'deliveries', 'delivery_attempts')")) {
        while (rows.next()) {
          analyzed.add(rows.getString(1));
        }
      }
      for (String kept : Set.of("events.event_type", "events.visitor_id", "visitors.visitor_id",
          "deliveries.event_id", "delivery_attempts.delivery_id")) {
        assertTrue(analyzed.contains(kept), kept + " has statistics");
      }
      for (String skipped : Set.of("events.data", "visitors.traits", "deliveries.headers", "deliveries.body",
          "deliveries.last_error", "delivery_attempts.request", "delivery_attempts.response",
          "delivery_attempts.error")) {
        assertFalse(analyzed.contains(skipped), skipped + " has no statistics");
      }
    });
  }

  @Test
  void deliveryTablesAreAnalyzedAtHalfTheirGrowth(@TempDir Path dir) throws Exception {
    onMigratedDatabase(dir, statement -> {
      for (String table : List.of("deliveries", "delivery_attempts")) {
        assertEquals("0.5", option(statement, table, "autovacuum_analyze_scale_factor"), table);
      }
      assertNull(option(statement, "events", "autovacuum_analyze_scale_factor"), "events keeps the default");
    });
  }

  /** Runs {@code work} on a new embedded database with every migration applied. */
  private static void onMigratedDatabase(Path dir, Statements.Work work) throws Exception {
    try (EmbeddedDatabase database = EmbeddedDatabase.start(dir.resolve("pg"), 0)) {
      Migrations.migrate(database.target());
      Statements.on(database, work);
    }
  }

  /** The table's storage option {@code name}, or null when it has the server's default. */
  private static String option(Statement statement, String table, String name) throws Exception {
    try (ResultSet rows = statement.executeQuery("SELECT option_value FROM pg_class c, "
        + "pg_options_to_table(c.reloptions) WHERE c.relname = '" + table + "' AND option_name = '" + name + "'")) {
      return rows.next() ? rows.getString(1) : null;
    }
  }
}

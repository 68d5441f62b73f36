package io.echotag.db;

import io.echotag.testing.TestGateway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The server settings the embedded PostgreSQL runs with (durable commits, prompt statistics,
 * frequent checkpoints) and the writeback pacing of its growing files.
 */
class EmbeddedDatabaseSettingsTest {

  @Test
  void commitsAreDurableAndStatisticsComeWithinSeconds(@TempDir Path dir) throws Exception {
    try (EmbeddedDatabase database = EmbeddedDatabase.start(dir.resolve("pg"), 0)) {
      Statements.on(database, statement -> {
        assertEquals("on", show(statement, "synchronous_commit"));
        assertEquals("on", show(statement, "fsync"));
        assertEquals("5s", show(statement, "autovacuum_naptime"));
        assertEquals("on", show(statement, "autovacuum"));
        assertEquals("30s", show(statement, "checkpoint_timeout"));
      });
    }
  }

  @Test
  void growingTablesAreWrittenBackInSteps(@TempDir Path dir) throws Exception {
    try (EmbeddedDatabase database = EmbeddedDatabase.start(dir.resolve("pg"), 0, 50)) {
      Statements.on(database, statement -> {
        statement.execute("CREATE TABLE growing (id int, payload text)");
        // Grows the table at every poll, so that some look after the pacer's first one sees it grown.
        TestGateway.await("a growing table file synced by the pacer", 30_000, () -> {
          try {
            statement.execute("INSERT INTO growing SELECT i, repeat('x', 500) FROM generate_series(1, 2000) i");
          } catch (SQLException e) {
            throw new IllegalStateException(e);
          }
          return database.writebackSyncs() > 0;
        });
      });
    }
    try (EmbeddedDatabase unpaced = EmbeddedDatabase.start(dir.resolve("pg"), 0)) {
      assertEquals(0, unpaced.writebackSyncs(), "no pacing unless asked for");
    }
  }

  private static String show(Statement statement, String setting) throws Exception {
    try (ResultSet rows = statement.executeQuery("SHOW " + setting)) {
      rows.next();
      return rows.getString(1);
    }
  }
}

package io.echotag.db;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The server settings the embedded PostgreSQL runs with: durable commits, prompt statistics, frequent checkpoints. */
class EmbeddedDatabaseSettingsTest {

  @Test
  void commitsAreDurableAndStatisticsComeWithinSeconds(@TempDir Path dir) throws Exception {
    try (EmbeddedDatabase database = EmbeddedDatabase.start(dir.resolve("pg"), 0)) {
      DatabaseTarget target = database.target();
      try (Connection connection = DriverManager.getConnection(target.jdbcUrl(), target.user(), target.password());
           Statement statement = connection.createStatement()) {
        assertEquals("on", show(statement, "synchronous_commit"));
        assertEquals("on", show(statement, "fsync"));
        assertEquals("5s", show(statement, "autovacuum_naptime"));
        assertEquals("on", show(statement, "autovacuum"));
        assertEquals("30s", show(statement, "checkpoint_timeout"));
      }
    }
  }

  private static String show(Statement statement, String setting) throws Exception {
    try (ResultSet rows = statement.executeQuery("SHOW " + setting)) {
      rows.next();
      return rows.getString(1);
    }
  }
}

package io.echotag.db;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;

/** Plain JDBC on an embedded database, for tests that check what the server itself does. */
final class Statements {
  private Statements() {
  }

  interface Work {
    void run(Statement statement) throws Exception;
  }

  /** Runs {@code work} on one statement of a new connection to {@code database}. */
  static void on(EmbeddedDatabase database, Work work) throws Exception {
    DatabaseTarget target = database.target();
    try (Connection connection = DriverManager.getConnection(target.jdbcUrl(), target.user(), target.password());
         Statement statement = connection.createStatement()) {
      work.run(statement);
    }
  }
}

package io.echotag.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One embedded PostgreSQL per test JVM, started on first use; each test gateway gets a database
 * of its own in it, so test classes never see each other's data and never depend on order.
 */
public final class TestDatabase {
  private static final AtomicInteger COUNTER = new AtomicInteger();
  private static EmbeddedPostgres postgres;

  private TestDatabase() {
  }

  /** A new, empty database: {@code postgresql://postgres:postgres@localhost:PORT/tN}. */
  public static synchronized String freshDatabaseUrl() {
    EmbeddedPostgres pg = server();
    String name = "t" + ProcessHandle.current().pid() + "_" + COUNTER.incrementAndGet();
    try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create test database " + name, e);
    }
    return "postgresql://postgres:postgres@localhost:" + pg.getPort() + "/" + name;
  }

  public static synchronized EmbeddedPostgres server() {
    if (postgres == null) {
      try {
        Path dir = Files.createTempDirectory("echotag-test-pg");
        postgres = EmbeddedPostgres.builder().setDataDirectory(dir).setCleanDataDirectory(true)
            .setServerConfig("max_connections", "300").start();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        try {
          postgres.close();
        } catch (IOException ignored) {
          // the JVM is exiting; the temp directory goes with the machine
        }
      }));
    }
    return postgres;
  }
}

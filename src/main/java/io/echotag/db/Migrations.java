package io.echotag.db;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Applies the SQL migrations in {@code db/migration} with Flyway. Blocking: run on a worker thread. */
public final class Migrations {
  private static final Logger LOG = LoggerFactory.getLogger(Migrations.class);

  private Migrations() {
  }

  public static void migrate(DatabaseTarget target) {
    MigrateResult result = Flyway.configure()
        .dataSource(target.jdbcUrl(), target.user(), target.password())
        .locations("classpath:db/migration")
        .connectRetries(10)
        .load()
        .migrate();
    LOG.info("Database schema at version {} ({} migration(s) applied now)", result.targetSchemaVersion,
        result.migrationsExecuted);
  }
}

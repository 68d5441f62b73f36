/**
 * The database: the reactive pool, Flyway migrations, and the embedded PostgreSQL that is the
 * default when no {@code database.url} is configured, with the {@link io.echotag.db.WritebackPacer}
 * that writes its growing files to disk in small steps. Schema lives only in migrations under
 * {@code src/main/resources/db/migration}.
 */
package io.echotag.db;

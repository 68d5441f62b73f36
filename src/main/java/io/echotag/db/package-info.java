/**
 * The database: the reactive pool, Flyway migrations, and the embedded PostgreSQL that is the
 * default when no {@code database.url} is configured. Schema lives only in migrations under
 * {@code src/main/resources/db/migration}.
 */
package io.echotag.db;

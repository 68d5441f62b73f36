package io.echotag.keys;

import io.echotag.common.Ids;
import io.echotag.common.Times;
import io.echotag.config.EchoTagConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.FileSystem;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;

/**
 * First start: when no key exists, creates the default organization, project and a key with
 * every scope. A generated key is printed once to the log and written to
 * {@code <data_dir>/bootstrap-key} (mode 0600); {@code bootstrap_key} fixes its value instead and
 * is (re)created whenever it is missing. An advisory lock keeps replicas starting together from
 * bootstrapping twice.
 */
public final class Bootstrap {
  private static final Logger LOG = LoggerFactory.getLogger(Bootstrap.class);
  static final String FILE_NAME = "bootstrap-key";

  private Bootstrap() {
  }

  public static Future<Void> ensure(Vertx vertx, Pool pool, EchoTagConfig config) {
    String configured = config.bootstrapKey();
    return pool.withTransaction(conn -> conn.query(KeySql.LOCK_BOOTSTRAP).execute()
            .compose(v -> conn.query(KeySql.ANY_KEY).execute())
            .compose(rows -> {
              boolean anyKey = rows.iterator().next().getBoolean("present");
              if (configured.isEmpty()) {
                return anyKey ? Future.<String>succeededFuture() : createEverything(conn, ApiKeys.generate());
              }
              return conn.preparedQuery(KeySql.BY_HASH).execute(Tuple.of(ApiKeys.hash(configured)))
                  .compose(existing -> {
                    if (existing.size() > 0) {
                      return Future.succeededFuture();
                    }
                    Future<Void> created = anyKey ? addToFirstProject(conn, configured)
                        : createEverything(conn, configured).mapEmpty();
                    return created.map(v -> (String) null);
                  });
            }))
        .compose(generated -> generated == null ? Future.succeededFuture() : announce(vertx, config, generated));
  }

  private static Future<String> createEverything(SqlConnection conn, String key) {
    String organization = Ids.next("org");
    String project = Ids.next("proj");
    return conn.preparedQuery(KeySql.INSERT_ORGANIZATION).execute(Tuple.of(organization, "Default organization"))
        .compose(v -> conn.preparedQuery("INSERT INTO projects (id, organization_id, name, timezone, settings, "
                + "created_at, updated_at) VALUES ($1, $2, 'Default project', 'UTC', $3, $4, $4)")
            .execute(Tuple.of(project, organization, new JsonObject(), Times.utc(Instant.now()))))
        .compose(v -> insertAdminKey(conn, organization, project, key))
        .map(key);
  }

  private static Future<Void> addToFirstProject(SqlConnection conn, String key) {
    return conn.query(KeySql.FIRST_PROJECT).execute().compose(rows -> {
      var row = rows.iterator().next();
      return insertAdminKey(conn, row.getString("organization_id"), row.getString("id"), key);
    });
  }

  private static Future<Void> insertAdminKey(SqlConnection conn, String organization, String project, String key) {
    return conn.preparedQuery(KeySql.INSERT).execute(Tuple.tuple()
            .addString(Ids.next("key"))
            .addString(organization)
            .addString("Bootstrap key")
            .addString(ApiKeys.hash(key))
            .addString(ApiKeys.shownPrefix(key))
            .addArrayOfString(Scope.ALL.toArray(String[]::new))
            .addArrayOfString(null)
            .addString(project)
            .addOffsetDateTime(Times.utc(Instant.now())))
        .mapEmpty();
  }

  private static Future<Void> announce(Vertx vertx, EchoTagConfig config, String key) {
    String dir = config.dataDir().toString();
    String file = config.dataDir().resolve(FILE_NAME).toString();
    FileSystem fs = vertx.fileSystem();
    LOG.info("Created the bootstrap API key (shown once; also written to {}): {}", file, key);
    return fs.mkdirs(dir)
        .compose(v -> fs.exists(file))
        .compose(exists -> exists ? fs.delete(file) : Future.succeededFuture())
        .compose(v -> fs.open(file, new OpenOptions().setCreateNew(true).setWrite(true).setPerms("rw-------")))
        .compose(handle -> handle.write(Buffer.buffer(key + "\n")).compose(v -> handle.close()))
        .compose(v -> fs.chmod(file, "rw-------"));
  }
}

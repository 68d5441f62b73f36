package io.echotag.keys;

import io.echotag.common.Ids;
import io.echotag.common.Times;
import io.echotag.config.EchoTagConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.regex.Pattern;

/**
 * First start: when no key exists, creates the default organization, project and a key with
 * every scope; {@code bootstrap_key} fixes its value instead and is (re)created whenever it is
 * missing. An advisory lock keeps replicas starting together from bootstrapping twice.
 *
 * <p>A generated key is written to {@code <data_dir>/bootstrap-key} (mode 0600, through a temporary
 * file that is synced and then atomically renamed) <em>before</em> the transaction that stores
 * its hash commits, and printed once after it. A failed write rolls the bootstrap back and stops
 * start-up; a crash after the write but before the commit leaves a file whose key the database
 * does not know yet: the next start finds no key in the database, reads that file and adopts its
 * key rather than generating another, so the file never names a key that does not work. When the
 * database already holds a key and the file is absent (deleted, or written by another node on
 * another data directory) nothing is created: the hash cannot be turned back into the key, and a
 * second admin key made behind the operator's back would be one nobody asked for. The start-up
 * log says so; setting {@code bootstrap_key} adds a known admin key.
 */
public final class Bootstrap {
  private static final Logger LOG = LoggerFactory.getLogger(Bootstrap.class);
  static final String FILE_NAME = "bootstrap-key";
  private static final Pattern KEY = Pattern.compile("et_live_[A-Za-z0-9]{32,}");

  private Bootstrap() {
  }

  public static Future<Void> ensure(Vertx vertx, Pool pool, EchoTagConfig config) {
    String configured = config.bootstrapKey();
    Path file = config.dataDir().resolve(FILE_NAME);
    return pool.withTransaction(conn -> conn.query(KeySql.LOCK_BOOTSTRAP).execute()
            .compose(v -> conn.query(KeySql.ANY_KEY).execute())
            .compose(rows -> {
              boolean anyKey = rows.iterator().next().getBoolean("present");
              if (configured.isEmpty()) {
                return anyKey ? noteMissingFile(vertx, file).map((String) null) : generated(vertx, conn, file);
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
        .onSuccess(key -> {
          if (key != null) {
            LOG.info("Created the bootstrap API key (shown once; also written to {}): {}", file, key);
          }
        })
        .mapEmpty();
  }

  /**
   * The key of a first start: the one a crashed earlier start left in {@code file}, or a new one,
   * written to {@code file} before the caller's transaction commits.
   */
  private static Future<String> generated(Vertx vertx, SqlConnection conn, Path file) {
    return vertx.executeBlocking(() -> {
      String left = Files.isRegularFile(file) ? Files.readString(file, StandardCharsets.UTF_8).trim() : "";
      if (KEY.matcher(left).matches()) {
        LOG.info("Adopting the key in {}, written by an earlier start that stopped before storing it", file);
        return left;
      }
      String key = ApiKeys.generate();
      writeAtomically(file, key + "\n");
      return key;
    }).compose(key -> createEverything(conn, key));
  }

  private static Future<Void> noteMissingFile(Vertx vertx, Path file) {
    return vertx.executeBlocking(() -> {
      if (!Files.exists(file)) {
        LOG.info("API keys exist and {} is absent (deleted, or written on another node): no bootstrap key is "
            + "created; set bootstrap_key to add a known admin key", file);
      }
      return null;
    });
  }

  /** Writes {@code content} to {@code file} (mode 0600) so that a reader sees all of it or nothing. */
  static void writeAtomically(Path file, String content) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    boolean posix = dir.getFileSystem().supportedFileAttributeViews().contains("posix");
    Path tmp = posix
        ? Files.createTempFile(dir, "." + FILE_NAME, ".tmp",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))
        : Files.createTempFile(dir, "." + FILE_NAME, ".tmp");
    try {
      try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        channel.write(ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8)));
        channel.force(true);
      }
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
    try (FileChannel directory = FileChannel.open(dir, StandardOpenOption.READ)) {
      directory.force(true);
    } catch (IOException | UnsupportedOperationException notSyncable) {
      // some platforms cannot sync a directory; the rename is still atomic
    }
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
}

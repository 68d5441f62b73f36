package io.echotag.testing;

import io.echotag.Gateway;
import io.echotag.config.ConfigLoader;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A real gateway for integration tests: HTTP on a free port of 127.0.0.1, a fresh database of
 * its own in the shared embedded PostgreSQL (or whatever {@code overrides} say), a known admin key.
 */
public final class TestGateway implements AutoCloseable {
  private final Gateway gateway;
  private final String adminKey;
  private final Api api;
  private final String projectId;
  private final Path dataDir;

  private TestGateway(Gateway gateway, String adminKey, Path dataDir, String projectId) {
    this.gateway = gateway;
    this.adminKey = adminKey;
    this.dataDir = dataDir;
    this.api = new Api("http://127.0.0.1:" + gateway.port(), adminKey);
    this.projectId = projectId != null ? projectId
        : api.get("/v1/projects").data().getJsonObject(0).getString("id");
  }

  public static TestGateway start() {
    return start(new JsonObject());
  }

  /** Starts a gateway; {@code overrides} are configuration keys as in {@code conf/echotag.json}. */
  public static TestGateway start(JsonObject overrides) {
    try {
      Path dataDir = overrides.containsKey("data_dir") ? Path.of(overrides.getString("data_dir"))
          : Files.createTempDirectory("echotag-test");
      JsonObject config = new JsonObject()
          .put("http", new JsonObject().put("host", "127.0.0.1").put("port", 0))
          .put("database", new JsonObject().put("url", TestDatabase.freshDatabaseUrl()))
          .put("data_dir", dataDir.toString())
          .put("bootstrap_key", randomKey())
          .put("rate_limit", new JsonObject().put("enabled", false))
          .mergeIn(overrides, true);
      Gateway gateway = Gateway.start(ConfigLoader.load(Map.of(), config));
      return new TestGateway(gateway, config.getString("bootstrap_key"), dataDir, null);
    } catch (Exception e) {
      throw new IllegalStateException("test gateway did not start", e);
    }
  }

  /**
   * Starts another node on {@code first}'s database with its admin key and a data directory of its
   * own; {@code overrides} as in {@link #start(JsonObject)} (cluster settings, roles). A node with
   * {@code api.enabled=false} is reachable for {@code /health} and {@code /metrics} only.
   */
  public static TestGateway join(TestGateway first, JsonObject overrides) {
    try {
      Path dataDir = Files.createTempDirectory("echotag-test");
      JsonObject config = new JsonObject()
          .put("http", new JsonObject().put("host", "127.0.0.1").put("port", 0))
          .put("database", new JsonObject().put("url", first.gateway.config().database().url()))
          .put("data_dir", dataDir.toString())
          .put("bootstrap_key", first.adminKey)
          .put("rate_limit", new JsonObject().put("enabled", false))
          .mergeIn(overrides, true);
      Gateway gateway = Gateway.start(ConfigLoader.load(Map.of(), config));
      return new TestGateway(gateway, first.adminKey, dataDir, first.projectId);
    } catch (Exception e) {
      throw new IllegalStateException("joining test gateway did not start", e);
    }
  }

  public static String randomKey() {
    String alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    StringBuilder key = new StringBuilder("et_live_");
    for (int i = 0; i < 32; i++) {
      key.append(alphabet.charAt(ThreadLocalRandom.current().nextInt(alphabet.length())));
    }
    return key.toString();
  }

  public Api api() {
    return api;
  }

  public String adminKey() {
    return adminKey;
  }

  /** The default project of the admin key. */
  public String projectId() {
    return projectId;
  }

  public Gateway gateway() {
    return gateway;
  }

  public Path dataDir() {
    return dataDir;
  }

  /** Runs SQL on the gateway's own pool (for assertions on what was stored) and returns the rows. */
  public List<Row> sql(String sql, Object... params) {
    try {
      var rows = resultOf(gateway.services().pool().preparedQuery(sql).execute(io.vertx.sqlclient.Tuple.from(params)));
      List<Row> out = new ArrayList<>();
      rows.forEach(out::add);
      return out;
    } catch (Exception e) {
      throw new IllegalStateException("SQL failed: " + sql, e);
    }
  }

  /** Waits up to 30 s for {@code future} and returns its result; a failure or time-out throws. */
  public static <T> T resultOf(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  public long count(String sql, Object... params) {
    return sql(sql, params).get(0).getLong(0);
  }

  @Override
  public void close() {
    try {
      gateway.stop();
    } catch (Exception e) {
      throw new IllegalStateException("test gateway did not stop", e);
    }
  }

  /**
   * Stops the node as a crash would leave its work: the pool closes first, so nothing it still
   * holds (delivery leases) is given back or recorded; then {@code thenInFlight} ends what the node
   * still sends (e.g. {@link FakeReceiver#dropHanging()}), so the stop is quick; then Vert.x and the
   * cluster membership go.
   */
  public void crash(Runnable thenInFlight) {
    try {
      resultOf(gateway.services().pool().close());
      thenInFlight.run();
      gateway.stop();
    } catch (Exception e) {
      throw new IllegalStateException("test gateway did not stop after its pool closed", e);
    }
  }

  /** Polls {@code condition} every 20 ms until it holds or {@code timeoutMs} passes. */
  public static void await(String what, long timeoutMs, BooleanSupplier condition) {
    long deadline = System.currentTimeMillis() + timeoutMs;
    while (!condition.getAsBoolean()) {
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError("timed out after " + timeoutMs + " ms waiting for: " + what);
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }
}

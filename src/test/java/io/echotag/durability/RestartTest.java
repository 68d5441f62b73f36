package io.echotag.durability;

import io.echotag.Gateway;
import io.echotag.config.ConfigLoader;
import io.echotag.testing.Api;
import io.echotag.testing.TestGateway;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The embedded default keeps everything in {@code data_dir}: a gateway stopped and started again
 * on the same directory finds its events, visitors and keys where it left them.
 */
@DisplayName("A gateway restarted on the same data directory (embedded PostgreSQL)")
class RestartTest {
  static final String VISITOR = "returning-visitor";
  static final Set<PosixFilePermission> OWNER_READ_WRITE =
      Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);

  @TempDir
  Path dataDir;

  private TestGateway first;
  private TestGateway second;
  private Gateway plain;

  @AfterEach
  void stopEverything() throws Exception {
    try {
      if (first != null) {
        first.close();
      }
    } finally {
      try {
        if (second != null) {
          second.close();
        }
      } finally {
        if (plain != null) {
          plain.stop();
        }
      }
    }
  }

  @Test
  @DisplayName("finds every event, the visitor's profile, counts and open session, the idempotency keys and "
      + "the first admin key intact")
  void keepsEventsVisitorsAndKeys() {
    String firstKey = TestGateway.randomKey();
    first = TestGateway.start(embedded(firstKey));
    Api api = first.api();
    String projectId = first.projectId();

    Map<String, JsonObject> acknowledged = new HashMap<>();
    for (int i = 0; i < 20; i++) {
      JsonObject event = new JsonObject().put("visitor_id", VISITOR).put("data", new JsonObject().put("seq", i));
      if (i == 0) {
        event.put("event_type", "identify").getJsonObject("data").put("email", "ada@example.com").put("name", "Ada");
      } else {
        event.put("event_type", i % 5 == 0 ? "purchase" : "page_view");
      }
      Api.Response response = api.post("/v1/events", event);
      assertThat(response.status()).as("event %d: %s", i, response).isEqualTo(201);
      acknowledged.put(response.json().getString("id"), response.json());
    }
    Api.Response keyed = api.send("POST", "/v1/events",
        new JsonObject().put("event_type", "form_submit").put("visitor_id", VISITOR), "Idempotency-Key", "signup-1");
    assertThat(keyed.status()).as("an event with an Idempotency-Key: %s", keyed).isEqualTo(201);
    acknowledged.put(keyed.json().getString("id"), keyed.json());
    String lastSession = keyed.json().getString("session_id");
    JsonObject profile = api.get("/v1/visitors/" + VISITOR).json();
    assertThat(profile.getLong("event_count")).isEqualTo(21);
    assertThat(profile.getString("email")).isEqualTo("ada@example.com");

    first.close();
    first = null;
    assertThat(dataDir.resolve("pg/postmaster.pid")).as("a clean stop stops the embedded PostgreSQL").doesNotExist();

    // Another configured key on the second start: the first one can only work if it was kept, not re-created.
    second = TestGateway.start(embedded(TestGateway.randomKey()));
    Api firstKeyApi = second.api().withKey(firstKey);

    Api.Response events = firstKeyApi.get("/v1/events?limit=1000");
    assertThat(events.status()).as("GET /v1/events with the first key: %s", events).isEqualTo(200);
    Map<String, JsonObject> listed = new HashMap<>();
    events.data().forEach(e -> listed.put(((JsonObject) e).getString("id"), (JsonObject) e));
    assertThat(listed).as("events after the restart, by id").isEqualTo(acknowledged);

    assertThat(firstKeyApi.get("/v1/visitors/" + VISITOR).json()).as("the visitor's profile").isEqualTo(profile);

    Api.Response repeat = firstKeyApi.send("POST", "/v1/events",
        new JsonObject().put("event_type", "form_submit").put("visitor_id", VISITOR), "Idempotency-Key", "signup-1");
    assertThat(repeat.status()).as("the same Idempotency-Key after the restart: %s", repeat).isEqualTo(200);
    assertThat(repeat.json()).isEqualTo(keyed.json());
    Api.Response next = firstKeyApi.post("/v1/events", new JsonObject().put("event_type", "page_view")
        .put("visitor_id", VISITOR));
    assertThat(next.status()).isEqualTo(201);
    assertThat(next.json().getString("session_id")).as("the visitor's session continues across the restart")
        .isEqualTo(lastSession);
    JsonObject after = firstKeyApi.get("/v1/visitors/" + VISITOR).json();
    assertThat(after.getLong("event_count")).isEqualTo(22);
    assertThat(after.getLong("session_count")).isEqualTo(profile.getLong("session_count"));

    JsonArray projects = firstKeyApi.get("/v1/projects").data();
    assertThat(projects).hasSize(1);
    assertThat(projects.getJsonObject(0).getString("id")).isEqualTo(projectId);
    Api.Response keys = firstKeyApi.get("/v1/auth/keys");
    assertThat(keys.status()).as("an admin-only call with the first key: %s", keys).isEqualTo(200);
    assertThat(keys.data()).as("the first key and the one added by the second start").hasSize(2);
  }

  @Test
  @DisplayName("writes a working generated key to data_dir/bootstrap-key with mode 0600 on the first start, "
      + "and leaves that file and key alone on the next start")
  void bootstrapKeyFileIsWrittenOnceAndKept() throws Exception {
    Path file = dataDir.resolve("bootstrap-key");
    assertThat(file).doesNotExist();

    plain = startWithoutKey();
    assertThat(file).isRegularFile();
    assertThat(Files.getPosixFilePermissions(file)).as("mode of bootstrap-key").isEqualTo(OWNER_READ_WRITE);
    String written = Files.readString(file);
    assertThat(written).matches("et_live_[0-9A-Za-z]{32,}\n");
    String key = written.trim();
    Object inode = Files.readAttributes(file, BasicFileAttributes.class).fileKey();

    Api api = new Api("http://127.0.0.1:" + plain.port(), key);
    assertThat(api.get("/v1/projects").data()).as("projects seen with the written key").hasSize(1);
    Api.Response keys = api.get("/v1/auth/keys");
    assertThat(keys.status()).as("an admin-only call with the written key: %s", keys).isEqualTo(200);
    assertThat(api.post("/v1/events", new JsonObject().put("event_type", "page_view").put("visitor_id", "v1"))
        .status()).isEqualTo(201);

    plain.stop();
    plain = null;
    plain = startWithoutKey();

    assertThat(Files.readString(file)).as("bootstrap-key after the second start").isEqualTo(written);
    assertThat(Files.readAttributes(file, BasicFileAttributes.class).fileKey()).as("the same file, not a new one")
        .isEqualTo(inode);
    assertThat(Files.getPosixFilePermissions(file)).as("mode of bootstrap-key").isEqualTo(OWNER_READ_WRITE);
    Api again = new Api("http://127.0.0.1:" + plain.port(), key);
    Api.Response keysAgain = again.get("/v1/auth/keys");
    assertThat(keysAgain.status()).as("the written key on the second gateway: %s", keysAgain).isEqualTo(200);
    assertThat(keysAgain.data()).as("no second bootstrap key was created").hasSize(1);
    assertThat(again.get("/v1/events").data()).hasSize(1);
  }

  /** The embedded default: no database URL, everything under {@code dataDir}. */
  private JsonObject embedded(String bootstrapKey) {
    return new JsonObject()
        .put("database", new JsonObject().put("url", ""))
        .put("data_dir", dataDir.toString())
        .put("bootstrap_key", bootstrapKey);
  }

  /** A gateway with no configured key (TestGateway needs one to know its admin key). */
  private Gateway startWithoutKey() throws Exception {
    return Gateway.start(ConfigLoader.load(Map.of(), embedded("")
        .put("http", new JsonObject().put("host", "127.0.0.1").put("port", 0))
        .put("rate_limit", new JsonObject().put("enabled", false))));
  }
}

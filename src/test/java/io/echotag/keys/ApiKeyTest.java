package io.echotag.keys;

import io.echotag.testing.Api;
import io.echotag.testing.TestGateway;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

@DisplayName("API keys: /v1/auth")
class ApiKeyTest {
  static final String KEY_PATTERN = "et_live_[A-Za-z0-9]{32,}";

  static TestGateway gateway;
  static Api admin;

  @BeforeAll
  static void start() {
    gateway = TestGateway.start();
    admin = gateway.api();
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  /** Creates a key with the admin key and answers the 201 body (which holds the clear key). */
  static JsonObject createKey(Api caller, JsonObject request) {
    Api.Response response = caller.post("/v1/auth/keys", request);
    assertThat(response.status()).as("create key: %s", response).isEqualTo(201);
    return response.json();
  }

  static JsonObject event(String visitorId) {
    return new JsonObject().put("event_type", "page_view").put("visitor_id", visitorId);
  }

  static JsonObject listedKey(String id) {
    Api.Response list = admin.get("/v1/auth/keys");
    assertThat(list.status()).isEqualTo(200);
    for (Object item : list.data()) {
      JsonObject key = (JsonObject) item;
      if (key.getString("id").equals(id)) {
        return key;
      }
    }
    return null;
  }

  @Test
  @DisplayName("a created key is answered 201 once in clear, looks like et_live_ + 32 base-62 chars, and the list never shows it")
  void createShowsKeyOnce() {
    JsonObject created = createKey(admin, new JsonObject().put("name", "backend"));

    String key = created.getString("key");
    assertThat(key).matches(KEY_PATTERN);
    assertThat(created.getString("id")).startsWith("key_");
    assertThat(created.getString("name")).isEqualTo("backend");
    assertThat(created.getString("prefix")).isNotBlank();
    assertThat(key).startsWith(created.getString("prefix"));
    assertThat(created.getString("prefix").length()).isLessThan(key.length() - 16);
    assertThat(created.getString("default_project_id")).isEqualTo(gateway.projectId());
    assertThat(created.getString("created_at")).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");

    Api.Response list = admin.get("/v1/auth/keys");
    assertThat(list.status()).isEqualTo(200);
    assertThat(list.body()).doesNotContain(key);
    JsonObject listed = listedKey(created.getString("id"));
    assertThat(listed).isNotNull();
    assertThat(listed.containsKey("key")).isFalse();
    assertThat(listed.getString("prefix")).isEqualTo(created.getString("prefix"));
    assertThat(listed.fieldNames()).contains("last_used_at", "expires_at");
    assertThat(listed.getString("expires_at")).isNull();

    assertThat(admin.withKey(key).get("/v1/events").status()).isEqualTo(200);
  }

  @Test
  @DisplayName("a new key defaults to the scopes ingest, read and write")
  void defaultScopes() {
    JsonObject created = createKey(admin, new JsonObject().put("name", "defaults"));

    assertThat(created.getJsonArray("scopes")).containsExactly("ingest", "read", "write");
    Api key = admin.withKey(created.getString("key"));
    assertThat(key.post("/v1/events", event("v-default")).status()).isEqualTo(201);
    assertThat(key.get("/v1/events").status()).isEqualTo(200);
    assertThat(key.post("/v1/tags", new JsonObject().put("name", "made-by-default-key")).status()).isEqualTo(201);
    Api.Response noAdmin = key.get("/v1/auth/keys");
    assertThat(noAdmin.status()).isEqualTo(403);
    assertThat(noAdmin.error().getString("type")).isEqualTo("permission");
  }

  @Test
  @DisplayName("a key can grant only scopes it holds: asking for one it lacks is 403, a subset is granted")
  void scopesAreASubsetOfTheCallers() {
    JsonObject limitedAdmin = createKey(admin, new JsonObject().put("name", "limited admin")
        .put("scopes", new JsonArray().add("admin").add("read")));
    Api limited = admin.withKey(limitedAdmin.getString("key"));

    Api.Response lacking = limited.post("/v1/auth/keys", new JsonObject().put("name", "x")
        .put("scopes", new JsonArray().add("read").add("write")));
    assertThat(lacking.status()).isEqualTo(403);
    assertThat(lacking.error().getString("type")).isEqualTo("permission");
    assertThat(lacking.error().getString("message")).contains("write");

    Api.Response defaultsLacking = limited.post("/v1/auth/keys", new JsonObject().put("name", "y"));
    assertThat(defaultsLacking.status()).as("the default scopes include ingest, which this key lacks")
        .isEqualTo(403);

    Api.Response subset = limited.post("/v1/auth/keys", new JsonObject().put("name", "reader")
        .put("scopes", new JsonArray().add("read")));
    assertThat(subset.status()).isEqualTo(201);
    assertThat(subset.json().getJsonArray("scopes")).containsExactly("read");

    Api.Response unknown = admin.post("/v1/auth/keys", new JsonObject().put("name", "z")
        .put("scopes", new JsonArray().add("superuser")));
    assertThat(unknown.status()).isEqualTo(400);
    assertThat(unknown.error().getString("param")).isEqualTo("scopes");

    Api reader = admin.withKey(subset.json().getString("key"));
    Api.Response readerCreates = reader.post("/v1/auth/keys", new JsonObject().put("name", "w")
        .put("scopes", new JsonArray().add("read")));
    assertThat(readerCreates.status()).as("creating keys needs admin").isEqualTo(403);
    assertThat(readerCreates.error().getString("type")).isEqualTo("permission");
  }

  @Test
  @DisplayName("an ingest-only key can track events but every GET is 403 permission")
  void ingestOnlyKey() {
    JsonObject created = createKey(admin, new JsonObject().put("name", "snippet")
        .put("scopes", new JsonArray().add("ingest")));
    Api ingest = admin.withKey(created.getString("key"));

    Api.Response tracked = ingest.post("/v1/events", event("v-ingest-only"));
    assertThat(tracked.status()).isEqualTo(201);

    Api.Response read = ingest.get("/v1/events");
    assertThat(read.status()).isEqualTo(403);
    assertThat(read.error().getString("type")).isEqualTo("permission");
    assertThat(read.error().getString("code")).isEqualTo("insufficient_scope");
    assertThat(read.error().getString("request_id")).isEqualTo(read.header("X-Request-Id"));
    assertThat(ingest.get("/v1/visitors/v-ingest-only").status()).isEqualTo(403);
    assertThat(ingest.post("/v1/tags", new JsonObject().put("name", "nope")).status()).isEqualTo(403);
  }

  @Test
  @DisplayName("a revoked key is refused with 401 on its very next request, and leaves the list")
  void revoke() {
    JsonObject created = createKey(admin, new JsonObject().put("name", "to revoke"));
    Api key = admin.withKey(created.getString("key"));
    assertThat(key.get("/v1/events").status()).as("used once, so it is cached").isEqualTo(200);

    Api.Response revoked = admin.delete("/v1/auth/keys/" + created.getString("id"));
    assertThat(revoked.status()).isEqualTo(204);

    Api.Response next = key.get("/v1/events");
    assertThat(next.status()).isEqualTo(401);
    assertThat(next.error().getString("type")).isEqualTo("authentication");
    assertThat(listedKey(created.getString("id"))).isNull();
    assertThat(admin.delete("/v1/auth/keys/" + created.getString("id")).status()).isEqualTo(404);
  }

  @Test
  @DisplayName("rotate-key issues a working key like the old one; the old key keeps working, expiring about 24 h later")
  void rotate() {
    JsonObject created = createKey(admin, new JsonObject().put("name", "deploy")
        .put("scopes", new JsonArray().add("ingest").add("read")));
    Api old = admin.withKey(created.getString("key"));

    Instant before = Instant.now();
    Api.Response rotated = old.post("/v1/auth/rotate-key", null);
    assertThat(rotated.status()).as("%s", rotated).isEqualTo(200);
    JsonObject answer = rotated.json();
    String newKey = answer.getString("new_api_key");
    assertThat(newKey).matches(KEY_PATTERN).isNotEqualTo(created.getString("key"));
    assertThat(answer.getString("key_id")).startsWith("key_").isNotEqualTo(created.getString("id"));
    Instant expires = Instant.parse(answer.getString("old_key_expires_at"));
    assertThat(Duration.between(before, expires).toMillis()).isCloseTo(Duration.ofHours(24).toMillis(),
        within(60_000L));

    Api fresh = admin.withKey(newKey);
    assertThat(fresh.get("/v1/events").status()).isEqualTo(200);
    assertThat(fresh.post("/v1/events", event("v-rotated")).status()).isEqualTo(201);
    assertThat(old.get("/v1/events").status()).as("the old key still works during the grace period")
        .isEqualTo(200);

    JsonObject newListed = listedKey(answer.getString("key_id"));
    assertThat(newListed).isNotNull();
    assertThat(newListed.getString("name")).isEqualTo("deploy");
    assertThat(newListed.getJsonArray("scopes")).containsExactly("ingest", "read");
    assertThat(newListed.getString("default_project_id")).isEqualTo(created.getString("default_project_id"));
    assertThat(newListed.getString("expires_at")).isNull();
    assertThat(listedKey(created.getString("id")).getString("expires_at"))
        .isEqualTo(answer.getString("old_key_expires_at"));
  }

  @Test
  @DisplayName("after a short keys.rotation_grace_ms the rotated-away key is refused with 401, the new one is not")
  void rotationGraceEnds() {
    try (TestGateway shortGrace = TestGateway.start(new JsonObject()
        .put("keys", new JsonObject().put("rotation_grace_ms", 3000)))) {
      JsonObject created = createKey(shortGrace.api(), new JsonObject().put("name", "short grace"));
      Api old = shortGrace.api().withKey(created.getString("key"));

      Api.Response rotated = old.post("/v1/auth/rotate-key", null);
      assertThat(rotated.status()).isEqualTo(200);
      Instant expires = Instant.parse(rotated.json().getString("old_key_expires_at"));
      assertThat(expires).isBefore(Instant.now().plusSeconds(5));
      Api fresh = shortGrace.api().withKey(rotated.json().getString("new_api_key"));
      assertThat(old.get("/v1/events").status()).as("still within the grace period").isEqualTo(200);

      TestGateway.await("the old key to be refused", 10_000, () -> old.get("/v1/events").status() == 401);
      assertThat(Instant.now()).isAfterOrEqualTo(expires);
      Api.Response refused = old.get("/v1/events");
      assertThat(refused.status()).isEqualTo(401);
      assertThat(refused.error().getString("type")).isEqualTo("authentication");
      assertThat(fresh.get("/v1/events").status()).isEqualTo(200);
    }
  }

  @Test
  @DisplayName("a missing, malformed or unknown key is 401 in the error shape")
  void unauthenticated() {
    Api.Response missing = admin.withKey(null).get("/v1/events");
    assertThat(missing.status()).isEqualTo(401);
    assertThat(missing.error().getString("type")).isEqualTo("authentication");
    assertThat(missing.error().getString("code")).isEqualTo("missing_api_key");
    assertThat(missing.error().getString("message")).contains("Authorization");
    assertThat(missing.error().getString("request_id")).isEqualTo(missing.header("X-Request-Id")).isNotBlank();

    Api.Response unknown = admin.withKey(TestGateway.randomKey()).get("/v1/events");
    assertThat(unknown.status()).isEqualTo(401);
    assertThat(unknown.error().getString("type")).isEqualTo("authentication");
    assertThat(unknown.error().getString("code")).isEqualTo("invalid_api_key");
    assertThat(unknown.error().getString("request_id")).isEqualTo(unknown.header("X-Request-Id"));

    Api.Response basic = admin.withKey(null).send("GET", "/v1/events", null,
        "Authorization", "Basic " + gateway.adminKey());
    assertThat(basic.status()).isEqualTo(401);
    assertThat(admin.withKey(null).post("/v1/events", event("v-anon")).status()).isEqualTo(401);
  }

  @Test
  @DisplayName("no API key is stored in clear anywhere in the database, only its SHA-256 hash")
  void noClearKeyInTheDatabase() {
    List<String> keys = new ArrayList<>();
    keys.add(gateway.adminKey());
    JsonObject created = createKey(admin, new JsonObject().put("name", "stored hashed"));
    keys.add(created.getString("key"));
    Api.Response rotated = admin.withKey(created.getString("key")).post("/v1/auth/rotate-key", null);
    assertThat(rotated.status()).isEqualTo(200);
    keys.add(rotated.json().getString("new_api_key"));
    JsonObject revoked = createKey(admin, new JsonObject().put("name", "revoked later"));
    keys.add(revoked.getString("key"));
    assertThat(admin.delete("/v1/auth/keys/" + revoked.getString("id")).status()).isEqualTo(204);
    for (String key : keys) {
      assertThat(admin.withKey(key).post("/v1/events", event("v-hash")).status()).isIn(201, 401);
    }

    StringBuilder dump = new StringBuilder();
    List<Row> columns = gateway.sql("SELECT table_name, column_name FROM information_schema.columns "
        + "WHERE table_schema = 'public' AND (data_type IN ('text', 'jsonb', 'json', 'character varying', 'character') "
        + "OR udt_name IN ('_text', '_varchar')) ORDER BY table_name, ordinal_position");
    assertThat(columns).extracting(row -> row.getString("table_name") + "." + row.getString("column_name"))
        .contains("api_keys.key_hash", "api_keys.prefix", "events.data", "visitors.traits");
    for (Row column : columns) {
      String table = column.getString("table_name");
      String name = column.getString("column_name");
      for (Row value : gateway.sql("SELECT \"" + name + "\"::text AS v FROM \"" + table + "\" WHERE \""
          + name + "\" IS NOT NULL")) {
        dump.append(table).append('.').append(name).append('=').append(value.getString("v")).append('\n');
      }
    }
    String everything = dump.toString();
    assertThat(everything).contains("page_view");
    for (String key : keys) {
      assertThat(everything).doesNotContain(key);
      assertThat(everything).doesNotContain(key.substring(8));
      assertThat(gateway.count("SELECT count(*) FROM api_keys WHERE key_hash = $1", ApiKeys.hash(key)))
          .as("the hash of %s is stored", key.substring(0, 12)).isEqualTo(1);
    }
    assertThat(ApiKeys.hash(keys.get(1))).matches("[0-9a-f]{64}");
  }
}

package io.echotag.events;

import io.echotag.testing.Api;
import io.echotag.testing.TestGateway;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The visitor statements of a commit: a visitor's row is created by the first commit that sees it,
 * and later commits lock and update existing rows without trying to create them again. A
 * statement-level trigger in the test's database counts the INSERT statements on {@code visitors}
 * (the creation and the update, an upsert, are both INSERT statements).
 */
@DisplayName("events: visitor rows are created once, then only locked and updated")
class VisitorStatementsTest {
  static TestGateway gateway;
  static Api api;

  @BeforeAll
  static void start() {
    gateway = TestGateway.start();
    api = gateway.api();
    gateway.sql("CREATE TABLE visitor_insert_statements (seq bigserial PRIMARY KEY)");
    gateway.sql("CREATE FUNCTION count_visitor_inserts() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        + "INSERT INTO visitor_insert_statements DEFAULT VALUES; RETURN NULL; END $$");
    gateway.sql("CREATE TRIGGER visitors_insert_statements AFTER INSERT ON visitors "
        + "FOR EACH STATEMENT EXECUTE FUNCTION count_visitor_inserts()");
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  private static long statements() {
    return gateway.count("SELECT count(*) FROM visitor_insert_statements");
  }

  private static void track(String visitorId) {
    Api.Response response = api.post("/v1/events", new JsonObject().put("event_type", "page_view")
        .put("visitor_id", visitorId).put("data", new JsonObject().put("url", "https://example.com/")));
    assertThat(response.status()).as("%s", response).isEqualTo(201);
  }

  @Test
  @DisplayName("a new visitor costs one extra statement once; known visitors none")
  void createdOnceThenUpdated() {
    long before = statements();
    track("stmt-new");
    assertThat(statements() - before).as("create + update").isEqualTo(2);

    before = statements();
    for (int i = 0; i < 3; i++) {
      track("stmt-new");
    }
    assertThat(statements() - before).as("one update per commit").isEqualTo(3);

    JsonObject profile = api.get("/v1/visitors/stmt-new").json();
    assertThat(profile.getLong("event_count")).isEqualTo(4);
    assertThat(profile.getLong("session_count")).isEqualTo(1);
  }

  @Test
  @DisplayName("a batch with known and new visitors creates the new ones and sessionizes all of them")
  void mixedBatch() {
    track("stmt-known");
    long before = statements();
    JsonArray events = new JsonArray();
    for (String visitor : new String[] {"stmt-known", "stmt-fresh-1", "stmt-known", "stmt-fresh-2"}) {
      events.add(new JsonObject().put("event_type", "page_view").put("visitor_id", visitor)
          .put("data", new JsonObject().put("url", "https://example.com/b")));
    }
    Api.Response response = api.post("/v1/events/batch", new JsonObject().put("events", events));
    assertThat(response.status()).as("%s", response).isEqualTo(200);
    assertThat(statements() - before).as("create + update").isEqualTo(2);

    assertThat(api.get("/v1/visitors/stmt-known").json().getLong("event_count")).isEqualTo(3);
    for (String fresh : new String[] {"stmt-fresh-1", "stmt-fresh-2"}) {
      JsonObject profile = api.get("/v1/visitors/" + fresh).json();
      assertThat(profile.getLong("event_count")).isEqualTo(1);
      assertThat(profile.getLong("session_count")).isEqualTo(1);
    }
    assertThat(gateway.count("SELECT count(DISTINCT session_id) FROM events WHERE visitor_id = 'stmt-known'"))
        .isEqualTo(1);
  }
}

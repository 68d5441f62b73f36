package io.echotag.events;

import io.echotag.testing.Api;
import io.echotag.testing.TestGateway;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("POST /v1/events idempotency: a repeated key returns the first event and stores no second row")
class EventIdempotencyTest {
  static TestGateway gateway;
  static Api api;

  @BeforeAll
  static void start() {
    gateway = TestGateway.start();
    api = gateway.api();
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  static String unique(String prefix) {
    return prefix + "-" + UUID.randomUUID();
  }

  static JsonObject event(String visitorId) {
    return new JsonObject().put("event_type", "purchase").put("visitor_id", visitorId);
  }

  long rows(String visitorId) {
    return gateway.count("SELECT count(*) FROM events WHERE visitor_id = $1", visitorId);
  }

  long keys(String key) {
    return gateway.count("SELECT count(*) FROM event_keys WHERE key = $1", key);
  }

  @Test
  @DisplayName("a repeat with the same body id is 200 with the first event, even when the rest of the body differs")
  void bodyId() {
    String v = unique("vis");
    String key = unique("order");
    Api.Response first = api.post("/v1/events", event(v).put("id", key).put("data", new JsonObject().put("revenue", 10)));
    Api.Response again = api.post("/v1/events", event(v).put("id", key).put("data", new JsonObject().put("revenue", 10)));
    Api.Response changed = api.post("/v1/events", event(v).put("id", key).put("event_type", "refund")
        .put("data", new JsonObject().put("revenue", 99)));

    assertThat(first.status()).isEqualTo(201);
    assertThat(again.status()).isEqualTo(200);
    assertThat(changed.status()).isEqualTo(200);
    assertThat(again.json()).isEqualTo(first.json());
    assertThat(changed.json()).isEqualTo(first.json());
    assertThat(first.json().getString("id")).startsWith("evt_").isNotEqualTo(key);
    assertThat(rows(v)).isEqualTo(1);
    assertThat(keys(key)).isEqualTo(1);
  }

  @Test
  @DisplayName("a repeat with the same Idempotency-Key header is 200 with the first event")
  void header() {
    String v = unique("vis");
    String key = unique("hdr");
    Api.Response first = api.send("POST", "/v1/events", event(v), "Idempotency-Key", key);
    Api.Response again = api.send("POST", "/v1/events", event(v).put("data", new JsonObject().put("x", 1)),
        "Idempotency-Key", key);

    assertThat(first.status()).isEqualTo(201);
    assertThat(again.status()).isEqualTo(200);
    assertThat(again.json()).isEqualTo(first.json());
    assertThat(rows(v)).isEqualTo(1);
    assertThat(keys(key)).isEqualTo(1);
  }

  @Test
  @DisplayName("without a key, two identical requests are two events")
  void noKey() {
    String v = unique("vis");
    Api.Response a = api.post("/v1/events", event(v));
    Api.Response b = api.post("/v1/events", event(v));

    assertThat(a.status()).isEqualTo(201);
    assertThat(b.status()).isEqualTo(201);
    assertThat(a.json().getString("id")).isNotEqualTo(b.json().getString("id"));
    assertThat(rows(v)).isEqualTo(2);
  }

  @Test
  @DisplayName("the same key in another project is another event")
  void perProject() {
    String other = api.post("/v1/projects", new JsonObject().put("name", unique("idem"))).json().getString("id");
    String v = unique("vis");
    String key = unique("order");

    Api.Response here = api.post("/v1/events", event(v).put("id", key));
    Api.Response there = api.post("/v1/events", event(v).put("id", key).put("project_id", other));

    assertThat(here.status()).isEqualTo(201);
    assertThat(there.status()).isEqualTo(201);
    assertThat(there.json().getString("project_id")).isEqualTo(other);
    assertThat(there.json().getString("id")).isNotEqualTo(here.json().getString("id"));
    assertThat(rows(v)).isEqualTo(2);
  }

  @Test
  @DisplayName("a key older than the 7-day window is taken over by a new event, which later repeats return")
  void window() {
    String v = unique("vis");
    String key = unique("order");
    String firstId = api.post("/v1/events", event(v).put("id", key)).json().getString("id");
    gateway.sql("UPDATE event_keys SET created_at = created_at - interval '8 days' WHERE key = $1", key);

    Api.Response renewed = api.post("/v1/events", event(v).put("id", key));
    Api.Response repeat = api.post("/v1/events", event(v).put("id", key));

    assertThat(renewed.status()).isEqualTo(201);
    assertThat(renewed.json().getString("id")).isNotEqualTo(firstId);
    assertThat(repeat.status()).isEqualTo(200);
    assertThat(repeat.json().getString("id")).isEqualTo(renewed.json().getString("id"));
    assertThat(rows(v)).isEqualTo(2);
  }

  @Test
  @DisplayName("a key 6 days old still answers with its first event")
  void insideWindow() {
    String v = unique("vis");
    String key = unique("order");
    String firstId = api.post("/v1/events", event(v).put("id", key)).json().getString("id");
    gateway.sql("UPDATE event_keys SET created_at = created_at - interval '6 days' WHERE key = $1", key);

    Api.Response repeat = api.post("/v1/events", event(v).put("id", key));

    assertThat(repeat.status()).isEqualTo(200);
    assertThat(repeat.json().getString("id")).isEqualTo(firstId);
    assertThat(rows(v)).isEqualTo(1);
  }

  @RepeatedTest(value = 3, name = "round {currentRepetition} of {totalRepetitions}")
  @DisplayName("20 concurrent requests with one key store exactly one row; one gets 201, all carry the same event id")
  void concurrentRepeats() throws Exception {
    String v = unique("vis");
    String key = unique("burst");
    int n = 20;
    ExecutorService pool = Executors.newFixedThreadPool(n);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<Api.Response>> answers = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        JsonObject body = event(v).put("data", new JsonObject().put("attempt", i));
        answers.add(pool.submit(() -> {
          go.await();
          return api.send("POST", "/v1/events", body, "Idempotency-Key", key);
        }));
      }
      go.countDown();

      List<Api.Response> responses = new ArrayList<>();
      for (Future<Api.Response> answer : answers) {
        responses.add(answer.get(60, TimeUnit.SECONDS));
      }
      assertThat(responses).extracting(Api.Response::status).containsOnly(200, 201);
      assertThat(responses).filteredOn(r -> r.status() == 201).hasSize(1);
      assertThat(responses).extracting(r -> r.json().getString("id")).containsOnly(
          responses.get(0).json().getString("id"));
      JsonObject created = responses.stream().filter(r -> r.status() == 201).findFirst().orElseThrow().json();
      assertThat(responses).extracting(Api.Response::json).containsOnly(created);
    } finally {
      pool.shutdownNow();
    }
    assertThat(rows(v)).isEqualTo(1);
    assertThat(keys(key)).isEqualTo(1);
    assertThat(gateway.count("SELECT event_count FROM visitors WHERE visitor_id = $1", v))
        .as("the visitor counts one event").isEqualTo(1);
  }

  @Test
  @DisplayName("the body id and the header share one key space: a header repeat of a body id returns the first event")
  void sharedKeySpace() {
    String v = unique("vis");
    String key = unique("shared");
    Api.Response byBody = api.post("/v1/events", event(v).put("id", key));
    Api.Response byHeader = api.send("POST", "/v1/events", event(v), "Idempotency-Key", key);

    assertThat(byBody.status()).isEqualTo(201);
    assertThat(byHeader.status()).isEqualTo(200);
    assertThat(byHeader.json().getString("id")).isEqualTo(byBody.json().getString("id"));
    assertThat(rows(v)).isEqualTo(1);
  }
}

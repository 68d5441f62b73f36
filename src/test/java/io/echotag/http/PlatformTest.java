package io.echotag.http;

import io.echotag.testing.Api;
import io.echotag.testing.TestGateway;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

@DisplayName("the HTTP platform: request ids, errors, rate limits, CORS, health and metrics")
class PlatformTest {
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

  static JsonObject event(String visitorId) {
    return new JsonObject().put("event_type", "page_view").put("visitor_id", visitorId);
  }

  static void assertErrorShape(Api.Response response, int status, String type, String code) {
    assertThat(response.status()).as("%s", response).isEqualTo(status);
    assertThat(response.header("Content-Type")).startsWith("application/json");
    JsonObject error = response.error();
    assertThat(error.getString("type")).isEqualTo(type);
    assertThat(error.getString("code")).isEqualTo(code);
    assertThat(error.getString("message")).isNotBlank();
    assertThat(error.getString("request_id")).isNotBlank().isEqualTo(response.header("X-Request-Id"));
  }

  @Test
  @DisplayName("on Linux x86-64 the gateway's sockets use Netty's native epoll transport, not NIO")
  void nativeTransport() {
    assumeTrue(System.getProperty("os.name").equals("Linux")
        && List.of("amd64", "x86_64").contains(System.getProperty("os.arch")), "the jar carries epoll for linux-x86_64 only");
    assertThat(gateway.gateway().vertx().isNativeTransportEnabled())
        .as("native transport (why not: %s)", gateway.gateway().vertx().unavailableNativeTransportCause())
        .isTrue();
  }

  @Test
  @DisplayName("X-Request-Id is echoed when sent (also in errors) and generated, unique, when not")
  void requestIds() {
    Api.Response echoed = api.send("GET", "/v1/events", null, "X-Request-Id", "client-req-42");
    assertThat(echoed.status()).isEqualTo(200);
    assertThat(echoed.header("X-Request-Id")).isEqualTo("client-req-42");

    Api.Response error = api.send("POST", "/v1/events", new JsonObject(), "X-Request-Id", "client-req-43");
    assertThat(error.status()).isEqualTo(400);
    assertThat(error.header("X-Request-Id")).isEqualTo("client-req-43");
    assertThat(error.error().getString("request_id")).isEqualTo("client-req-43");

    Api.Response first = api.get("/v1/events");
    Api.Response second = api.get("/v1/events");
    assertThat(first.header("X-Request-Id")).isNotBlank();
    assertThat(second.header("X-Request-Id")).isNotBlank().isNotEqualTo(first.header("X-Request-Id"));
    assertThat(api.withKey(null).get("/health/live").header("X-Request-Id")).isNotBlank();

    Api.Response insane = api.send("GET", "/v1/events", null, "X-Request-Id", "not a sane id <script>");
    assertThat(insane.header("X-Request-Id")).isNotBlank().doesNotContain(" ", "<");
  }

  @Test
  @DisplayName("an unknown route is 404 in the error shape, with or without /v1; a known path with the wrong method is 405")
  void unknownRoutes() {
    assertErrorShape(api.get("/v1/no-such-thing"), 404, "invalid_request", "route_not_found");
    assertErrorShape(api.withKey(null).get("/no-such-thing"), 404, "invalid_request", "route_not_found");
    assertErrorShape(api.send("PUT", "/v1/events", new JsonObject()), 405, "invalid_request", "method_not_allowed");
  }

  @Test
  @DisplayName("a body that is not JSON is 415, malformed JSON is 400 invalid_json")
  void bodies() {
    assertErrorShape(api.send("POST", "/v1/events", "event_type=page_view", "Content-Type", "text/plain"),
        415, "invalid_request", "unsupported_media_type");
    assertErrorShape(api.post("/v1/events", "{\"event_type\": "), 400, "invalid_request", "invalid_json");
    assertErrorShape(api.post("/v1/events", "[1, 2]"), 400, "invalid_request", "invalid_json");
  }

  @Test
  @DisplayName("over the per-key rate limit (2/s, burst 3) the 4th quick request is 429 with Retry-After and X-RateLimit-* headers")
  void rateLimit() {
    try (TestGateway limited = TestGateway.start(new JsonObject().put("rate_limit", new JsonObject()
        .put("enabled", true).put("requests_per_second", 2).put("burst", 3)))) {
      Api.Response created = limited.api().post("/v1/auth/keys", new JsonObject().put("name", "limited"));
      assertThat(created.status()).isEqualTo(201);
      Api key = limited.api().withKey(created.json().getString("key"));

      List<Api.Response> responses = new ArrayList<>();
      long startedAt = Instant.now().getEpochSecond();
      for (int i = 0; i < 4; i++) {
        responses.add(key.get("/v1/events"));
      }

      for (int i = 0; i < 3; i++) {
        Api.Response ok = responses.get(i);
        assertThat(ok.status()).as("request %d: %s", i + 1, ok).isEqualTo(200);
        assertThat(ok.header("X-RateLimit-Limit")).isEqualTo("2");
        assertThat(ok.header("X-RateLimit-Remaining")).isEqualTo(Integer.toString(2 - i));
      }
      Api.Response refused = responses.get(3);
      assertErrorShape(refused, 429, "rate_limited", "rate_limited");
      assertThat(Integer.parseInt(refused.header("Retry-After"))).isBetween(1, 2);
      assertThat(refused.header("X-RateLimit-Limit")).isEqualTo("2");
      assertThat(refused.header("X-RateLimit-Remaining")).isEqualTo("0");
      assertThat(Long.parseLong(refused.header("X-RateLimit-Reset"))).isBetween(startedAt, startedAt + 5);

      Api other = limited.api().withKey(limited.api().post("/v1/auth/keys", new JsonObject().put("name", "other"))
          .json().getString("key"));
      assertThat(other.get("/v1/events").status()).as("the limit is per key").isEqualTo(200);
      TestGateway.await("the bucket to refill", 5_000, () -> key.get("/v1/events").status() == 200);
    }
  }

  @Test
  @DisplayName("a CORS preflight is answered 204 for any origin, without a key")
  void preflight() {
    Api.Response preflight = api.withKey(null).send("OPTIONS", "/v1/events", null,
        "Origin", "https://anywhere.example",
        "Access-Control-Request-Method", "POST",
        "Access-Control-Request-Headers", "authorization, content-type");
    assertThat(preflight.status()).isEqualTo(204);
    assertThat(preflight.header("Access-Control-Allow-Origin")).isEqualTo("https://anywhere.example");
    assertThat(preflight.header("Access-Control-Allow-Methods")).contains("POST");
    assertThat(preflight.header("Access-Control-Allow-Headers")).contains("Authorization", "Content-Type");
  }

  @Test
  @DisplayName("an ingest-only key is held to its project's allowed_origins: listed origin 201 with CORS headers, other origin 403")
  void allowedOrigins() {
    String shop = shopProject();
    Api.Response created = api.post("/v1/auth/keys", new JsonObject().put("name", "snippet")
        .put("scopes", new JsonArray().add("ingest")).put("project_ids", new JsonArray().add(shop)));
    assertThat(created.status()).isEqualTo(201);
    Api snippet = api.withKey(created.json().getString("key"));

    Api.Response allowed = snippet.send("POST", "/v1/events", event("browser-1"), "Origin", "https://shop.example");
    assertThat(allowed.status()).as("%s", allowed).isEqualTo(201);
    assertThat(allowed.json().getString("project_id")).isEqualTo(shop);
    assertThat(allowed.header("Access-Control-Allow-Origin")).isEqualTo("https://shop.example");
    assertThat(allowed.header("Access-Control-Expose-Headers")).contains("X-Request-Id");

    Api.Response refused = snippet.send("POST", "/v1/events", event("browser-2"), "Origin", "https://evil.example");
    assertErrorShape(refused, 403, "permission", "origin_not_allowed");
    assertThat(refused.header("Access-Control-Allow-Origin")).isNotEqualTo("https://evil.example");
    assertThat(gateway.count("SELECT count(*) FROM events WHERE visitor_id = 'browser-2'")).isZero();

    assertThat(snippet.post("/v1/events", event("server-side")).status()).as("no Origin: not a browser")
        .isEqualTo(201);
  }

  @Test
  @DisplayName("keys with more than ingest are not embedded in pages, so allowed_origins does not refuse them")
  void secretKeysAreNotOriginChecked() {
    String shop = shopProject();
    Api.Response created = api.post("/v1/auth/keys", new JsonObject().put("name", "dashboard")
        .put("project_ids", new JsonArray().add(shop)));
    assertThat(created.status()).isEqualTo(201);
    Api dashboard = api.withKey(created.json().getString("key"));

    Api.Response read = dashboard.send("GET", "/v1/events", null, "Origin", "https://dashboard.example");
    assertThat(read.status()).as("%s", read).isEqualTo(200);
    assertThat(read.header("Access-Control-Allow-Origin")).isEqualTo("https://dashboard.example");
  }

  @Test
  @DisplayName("/health/live and /health/ready answer 200 without a key")
  void health() {
    Api.Response live = api.withKey(null).get("/health/live");
    assertThat(live.status()).isEqualTo(200);
    assertThat(live.json().getString("status")).isEqualTo("up");
    Api.Response ready = api.withKey(null).get("/health/ready");
    assertThat(ready.status()).isEqualTo(200);
    assertThat(ready.json().getString("status")).isEqualTo("ready");
    assertThat(ready.json().getString("database")).isEqualTo("up");
    assertThat(ready.json().getString("schema_version")).isNotBlank();
  }

  @Test
  @DisplayName("/metrics counts ingested events and labels HTTP server requests with their route")
  void metrics() {
    assertThat(api.post("/v1/events", event("metered")).status()).isEqualTo(201);
    assertThat(api.get("/v1/visitors/metered").status()).isEqualTo(200);

    TestGateway.await("request metrics for POST /v1/events", 5_000, () -> {
      String text = api.withKey(null).get("/metrics").body();
      return requestLine(text, "POST", "201", "/v1/events") != null
          && requestLine(text, "GET", "200", "/v1/visitors/:visitor_id") != null;
    });
    Api.Response metrics = api.withKey(null).get("/metrics");
    assertThat(metrics.status()).isEqualTo(200);
    assertThat(metrics.header("Content-Type")).startsWith("text/plain");
    String ingested = metrics.body().lines().filter(l -> l.startsWith("echotag_events_ingested_total"))
        .findFirst().orElseThrow(() -> new AssertionError("no echotag_events_ingested_total in\n" + metrics.body()));
    assertThat(Double.parseDouble(ingested.substring(ingested.lastIndexOf(' ') + 1))).isGreaterThanOrEqualTo(1.0);
    String posts = requestLine(metrics.body(), "POST", "201", "/v1/events");
    assertThat(Double.parseDouble(posts.substring(posts.lastIndexOf(' ') + 1))).isGreaterThanOrEqualTo(1.0);
  }

  /** The HTTP server request counter labelled with this method, status code and route, or null. */
  private static String requestLine(String metrics, String method, String code, String route) {
    return metrics.lines()
        .filter(l -> l.startsWith("vertx_http_server_requests_total{"))
        .filter(l -> l.contains("route=\"" + route + "\"") && l.contains("method=\"" + method + "\"")
            && l.contains("code=\"" + code + "\""))
        .findFirst().orElse(null);
  }

  private static String shopProject() {
    Api.Response created = api.post("/v1/projects", new JsonObject().put("name", "Shop")
        .put("settings", new JsonObject().put("allowed_origins", new JsonArray().add("https://shop.example"))));
    assertThat(created.status()).isEqualTo(201);
    return created.json().getString("id");
  }
}

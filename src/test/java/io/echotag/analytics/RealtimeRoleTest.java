package io.echotag.analytics;

import io.echotag.testing.TestGateway;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class RealtimeRoleTest {
  @Test
  @DisplayName("with realtime.enabled=false no realtime verticle runs and the realtime endpoints answer 503 with Retry-After")
  void disabledRole() {
    try (TestGateway gateway = TestGateway.start(new JsonObject()
        .put("realtime", new JsonObject().put("enabled", false)))) {
      var current = gateway.api().get("/v1/analytics/realtime");
      assertThat(current.status()).isEqualTo(503);
      assertThat(current.header("Retry-After")).isNotNull();
      assertThat(current.error().getString("type")).isEqualTo("unavailable");
      assertThat(gateway.api().get("/v1/analytics/realtime/stream").status()).isEqualTo(503);
      assertThat(gateway.api().post("/v1/events", new JsonObject().put("event_type", "click")
          .put("visitor_id", "v1")).status()).as("ingest is not affected").isEqualTo(201);
    }
  }

  @Test
  @DisplayName("a stream token issued by one gateway opens the stream on another gateway of the same database (restart, other node)")
  void tokenAcrossNodes() {
    String token;
    String url;
    String key;
    try (TestGateway first = TestGateway.start()) {
      var issued = first.api().post("/v1/analytics/realtime/token", new JsonObject());
      assertThat(issued.status()).isEqualTo(201);
      token = issued.json().getString("token");
      url = first.gateway().config().database().url();
      key = first.adminKey();
    }
    Vertx vertx = Vertx.vertx();
    try (TestGateway second = TestGateway.start(new JsonObject()
        .put("database", new JsonObject().put("url", url)).put("bootstrap_key", key));
         SseClient sse = SseClient.open(vertx, second.api().baseUrl()
             + "/v1/analytics/realtime/stream?access_token=" + token, Map.of(), false)) {
      assertThat(sse.status()).isEqualTo(200);
      sse.awaitMessage("a snapshot", m -> "snapshot".equals(m.event()));
    } finally {
      vertx.close();
    }
  }
}

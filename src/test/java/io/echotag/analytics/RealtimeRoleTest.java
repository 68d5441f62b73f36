package io.echotag.analytics;

import io.echotag.testing.TestGateway;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

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
}

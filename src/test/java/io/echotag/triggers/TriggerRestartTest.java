package io.echotag.triggers;

import io.echotag.testing.TestDatabase;
import io.echotag.testing.TestGateway;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.List;

import static io.echotag.triggers.TriggerFixtures.TIMEOUT_MS;
import static io.echotag.triggers.TriggerFixtures.awaitExecution;
import static io.echotag.triggers.TriggerFixtures.cartAbandonment;
import static io.echotag.triggers.TriggerFixtures.cartData;
import static io.echotag.triggers.TriggerFixtures.create;
import static io.echotag.triggers.TriggerFixtures.tagNames;
import static io.echotag.triggers.TriggerFixtures.track;
import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("a waiting execution lives in the database, not in a gateway")
class TriggerRestartTest {
  static final long WAIT_MS = 5000;

  @Test
  @DisplayName("a waiting execution survives a gateway restart and fires after it")
  void waitSurvivesRestart() throws Exception {
    try (RecordingReceiver receiver = RecordingReceiver.start()) {
      String path = "/after-restart";
      String databaseUrl;
      String key;
      String triggerId;
      JsonObject waiting;
      Instant stoppedAt;

      TestGateway first = TestGateway.start(TriggerFixtures.gatewayConfig());
      try {
        databaseUrl = first.gateway().config().database().url();
        key = first.adminKey();
        triggerId = create(first.api(), cartAbandonment(WAIT_MS, receiver.url(path))).getString("id");
        track(first.api(), "add_to_cart", "restart-visitor", cartData("https://shop.example/cart"));
        waiting = awaitExecution(first.api(), triggerId, "restart-visitor", "waiting");
      } finally {
        first.close();
      }
      stoppedAt = Instant.now();

      // With no gateway running, the execution is still waiting and nothing was queued for it.
      assertThat(statusOf(databaseUrl, waiting.getString("id"))).isEqualTo("waiting");
      assertThat(receiver.requests(path)).isEmpty();

      TestGateway second = TestGateway.start(TriggerFixtures.gatewayConfig()
          .put("database", new JsonObject().put("url", databaseUrl))
          .put("bootstrap_key", key));
      try {
        assertThat(second.projectId()).isEqualTo(waiting.getString("project_id"));
        JsonObject done = awaitExecution(second.api(), triggerId, "restart-visitor", "succeeded");
        assertThat(done.getString("id")).isEqualTo(waiting.getString("id"));
        assertThat(Instant.parse(done.getString("started_at")))
            .isAfterOrEqualTo(Instant.parse(waiting.getString("scheduled_for")))
            .isAfter(stoppedAt);

        List<RecordingReceiver.Request> requests = receiver.awaitRequests(path, 1, TIMEOUT_MS);
        assertThat(requests).hasSize(1);
        assertThat(requests.get(0).header("webhook-id"))
            .isEqualTo(done.getJsonArray("actions").getJsonObject(1).getString("delivery_id"));
        assertThat(requests.get(0).json().getString("visitor_id")).isEqualTo("restart-visitor");
        assertThat(tagNames(second.api(), "restart-visitor")).contains("cart_abandoned");
      } finally {
        second.close();
      }
    }
  }

  /** Reads an execution's status straight from PostgreSQL, with no gateway running. */
  private static String statusOf(String databaseUrl, String executionId) throws Exception {
    String database = databaseUrl.substring(databaseUrl.lastIndexOf('/') + 1);
    try (Connection connection = TestDatabase.server().getDatabase("postgres", database).getConnection();
         PreparedStatement statement = connection.prepareStatement("SELECT status FROM executions WHERE id = ?")) {
      statement.setString(1, executionId);
      try (ResultSet rows = statement.executeQuery()) {
        assertThat(rows.next()).as("execution %s is stored", executionId).isTrue();
        return rows.getString(1);
      }
    }
  }
}

package io.echotag.webhooks;

import io.echotag.testing.FakeReceiver;
import io.echotag.testing.FakeReceiver.Received;
import io.echotag.testing.FakeReceiver.Reply;
import io.echotag.testing.TestDatabase;
import io.echotag.testing.TestGateway;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Deliveries survive the gateway: what is queued in PostgreSQL is sent by whichever node runs next. */
@DisplayName("Webhook deliveries across a gateway restart")
class WebhookRestartTest {
  static final int LEASE_SECONDS = 2;
  static FakeReceiver receiver;
  final List<TestGateway> started = new ArrayList<>();

  @BeforeAll
  static void start() {
    receiver = FakeReceiver.start();
  }

  @AfterAll
  static void stop() {
    receiver.close();
  }

  @AfterEach
  void stopGateways() {
    for (TestGateway gateway : started) {
      gateway.close();
    }
  }

  /** Overrides that put every gateway of a test on one database with one admin key. */
  static JsonObject sameDatabase(int timeoutMs) {
    return Hooks.overrides(timeoutMs, 1000)
        .put("database", new JsonObject().put("url", TestDatabase.freshDatabaseUrl()))
        .put("bootstrap_key", TestGateway.randomKey());
  }

  /** A delivery's status read straight from the database, while no gateway runs on it. */
  static String statusWhileStopped(JsonObject overrides, String deliveryId) {
    String url = overrides.getJsonObject("database").getString("url");
    String database = url.substring(url.lastIndexOf('/') + 1);
    try (Connection c = TestDatabase.server().getDatabase("postgres", database).getConnection();
         PreparedStatement s = c.prepareStatement("SELECT status FROM deliveries WHERE id = ?")) {
      s.setString(1, deliveryId);
      try (ResultSet rows = s.executeQuery()) {
        return rows.next() ? rows.getString(1) : null;
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private TestGateway startGateway(JsonObject overrides) {
    overrides.getJsonObject("delivery").put("lease_seconds", LEASE_SECONDS);
    TestGateway gateway = TestGateway.start(overrides.copy());
    started.add(gateway);
    return gateway;
  }

  @Test
  @DisplayName("a delivery in flight when the gateway stops is sent again, with the same webhook-id, by a gateway started on the same database")
  void inFlightDeliverySurvivesRestart() {
    String path = "/restart/in-flight";
    receiver.script(path, Reply.hang());
    JsonObject overrides = sameDatabase(3000);
    TestGateway first = startGateway(overrides);
    String project = first.projectId();
    String hook = Hooks.createWebhook(first.api(), project, receiver.url(path), Hooks.retry(5, 200, 2, 1000))
        .getString("id");
    String deliveryId = Hooks.deliveryFor(first, hook, Hooks.track(first.api(), project, "purchase",
        new JsonObject().put("order_id", "o-restart")).getString("id"));
    Received inFlight = receiver.await(path, 1, 10_000).get(0);
    assertThat(inFlight.header("webhook-id")).isEqualTo(deliveryId);

    first.close();
    started.remove(first);
    long stoppedAt = System.nanoTime();
    assertThat(receiver.requests(path)).as("nothing answered, nothing sent twice").hasSize(1);

    assertThat(statusWhileStopped(overrides, deliveryId)).as("the delivery is still queued after the stop")
        .isIn("pending", "retrying");

    TestGateway second = startGateway(overrides);
    assertThat(second.projectId()).isEqualTo(project);

    List<Received> requests = receiver.await(path, 2, 15_000);
    Received again = requests.get(1);
    assertThat(again.arrivedNanos()).as("sent again by the new gateway").isGreaterThan(stoppedAt);
    assertThat(again.header("webhook-id")).isEqualTo(deliveryId);
    assertThat(again.body()).isEqualTo(inFlight.body());
    Hooks.awaitDeliveryStatus(second, deliveryId, "succeeded", 10_000);
    assertThat(receiver.requests(path)).hasSize(2);
  }

  @Test
  @DisplayName("a delivery leased by a node that died is taken over once its lease expires, and not before")
  void expiredLeaseIsTakenOver() {
    String path = "/restart/orphaned-lease";
    TestGateway gateway = startGateway(sameDatabase(1500));
    String project = gateway.projectId();
    // The event comes first, the webhook after: no delivery is queued by the ingest itself.
    String eventId = Hooks.track(gateway.api(), project, "purchase", new JsonObject()).getString("id");
    String hook = Hooks.createWebhook(gateway.api(), project, receiver.url(path), Hooks.retry(3, 200, 2, 1000))
        .getString("id");
    String deliveryId = "del_orphan" + System.nanoTime();

    gateway.sql("INSERT INTO deliveries (project_id, id, endpoint, webhook_id, event_id, event_type, status, "
            + "attempts, next_attempt_at, lease_owner, lease_expires_at, created_at, updated_at) VALUES ($1, $2, $3, "
            + "$4, $5, 'purchase', 'pending', 0, now(), 'node_crashed', now() + make_interval(secs => $6), now(), now())",
        project, deliveryId, "wh:" + hook, hook, eventId, LEASE_SECONDS);
    OffsetDateTime leaseEnd = gateway.sql("SELECT lease_expires_at FROM deliveries WHERE id = $1", deliveryId).get(0)
        .getOffsetDateTime("lease_expires_at");

    Received request = receiver.await(path, 1, 15_000).get(0);
    assertThat(request.header("webhook-id")).isEqualTo(deliveryId);
    assertThat(request.json().getJsonObject("data").getString("id")).isEqualTo(eventId);
    assertThat(request.arrivedAt()).as("not before the dead node's lease ran out")
        .isAfterOrEqualTo(leaseEnd.toInstant().minusMillis(50));
    Hooks.awaitDeliveryStatus(gateway, deliveryId, "succeeded", 10_000);
    assertThat(receiver.requests(path)).hasSize(1);
  }

  @Test
  @DisplayName("a delivery still in flight when its lease runs out is not sent again by the same node, and its late result stands")
  void leaseShorterThanRequestSendsOnce() {
    String path = "/restart/slow-answer";
    receiver.script(path, Reply.hang());
    int timeoutMs = LEASE_SECONDS * 1000 + 2000;
    TestGateway gateway = startGateway(sameDatabase(timeoutMs));
    String project = gateway.projectId();
    String hook = Hooks.createWebhook(gateway.api(), project, receiver.url(path), Hooks.retry(3, 200, 2, 1000))
        .getString("id");

    String deliveryId = Hooks.deliveryFor(gateway, hook, Hooks.track(gateway.api(), project, "purchase",
        new JsonObject()).getString("id"));

    Hooks.awaitDeliveryStatus(gateway, deliveryId, "succeeded", 15_000);
    List<Received> requests = receiver.requests(path);
    assertThat(requests).as("one timed-out attempt, then one retry").hasSize(2);
    assertThat(requests.get(0).millisUntil(requests.get(1)))
        .as("the retry waited for the first attempt's timeout, not for the lease")
        .isGreaterThanOrEqualTo(timeoutMs - 100L);
    assertThat(Hooks.logs(gateway.api(), project, hook, "")).extracting(l -> l.getString("status"))
        .containsExactly("retrying", "succeeded");
    assertThat(Hooks.deliveryAttempts(gateway, deliveryId)).isEqualTo(2);
  }
}

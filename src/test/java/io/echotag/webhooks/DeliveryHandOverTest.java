package io.echotag.webhooks;

import io.echotag.testing.Api;
import io.echotag.testing.FakeReceiver;
import io.echotag.testing.TestGateway;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The hand-over: on a node with a delivery engine, the ingest writes its deliveries already leased
 * to that engine and hands them over after COMMIT, so that no claim statement runs for them. A
 * trigger in the database logs every lease change ({@link LeaseAudit}): a claim would show there.
 */
@DisplayName("Deliveries handed over by the ingest to this node's engine")
class DeliveryHandOverTest {
  static final int LEASE_SECONDS = 60;
  static final int MAX_IN_FLIGHT = 3;
  static final int PER_ENDPOINT = 2;
  /** Long enough that a delivery tracked right after the circuit opened finds it still open. */
  static final int BREAKER_RESET_MS = 5_000;
  static final int BREAKER_MAX_FAILURES = 5;

  static TestGateway gateway;
  static Api api;
  static FakeReceiver receiver;

  @BeforeAll
  static void start() {
    receiver = FakeReceiver.start();
    JsonObject overrides = Hooks.overrides(30_000, BREAKER_RESET_MS);
    overrides.getJsonObject("delivery").put("poll_interval_ms", 200).put("max_in_flight", MAX_IN_FLIGHT)
        .put("per_endpoint_in_flight", PER_ENDPOINT).put("lease_seconds", LEASE_SECONDS)
        .put("breaker_max_failures", BREAKER_MAX_FAILURES);
    gateway = TestGateway.start(overrides);
    api = gateway.api();
    LeaseAudit.install(gateway);
  }

  @AfterAll
  static void stop() {
    receiver.dropHanging();
    gateway.close();
    receiver.close();
  }

  @Test
  @DisplayName("a tracked event's delivery is inserted leased to this node's engine and sent without a claim: "
      + "one attempt, lease cleared when it is recorded")
  void deliveredWithoutAClaim() {
    String path = "/handover/one";
    String deliveryId = trackOneFor(path);

    FakeReceiver.Received received = receiver.await(path, 1, 10_000).get(0);
    assertThat(received.header("webhook-id")).isEqualTo(deliveryId);
    Hooks.awaitDeliveryStatus(gateway, deliveryId, "succeeded", 10_000);

    Row row = gateway.sql("SELECT attempts, lease_owner, lease_expires_at FROM deliveries WHERE id = $1", deliveryId)
        .get(0);
    assertThat(row.getInteger("attempts")).as("attempts").isEqualTo(1);
    assertThat(row.getString("lease_owner")).as("lease owner after the attempt").isNull();
    assertThat(row.getValue("lease_expires_at")).as("lease expiry after the attempt").isNull();
    List<LeaseAudit.Change> changes = LeaseAudit.of(gateway, deliveryId);
    assertThat(changes).as("lease changes: %s", changes).hasSize(2);
    assertThat(changes.get(0).op()).isEqualTo("INSERT");
    assertThat(changes.get(0).leaseOwner()).as("leased at insert to").isEqualTo(gateway.gateway().nodeId());
    assertThat(changes.get(1).leaseOwner()).as("lease after the attempt is recorded").isNull();
    assertThat(changes.get(1).attempts()).as("attempts when the lease was cleared").isEqualTo(1);
    assertThat(changes).as("claims").noneMatch(LeaseAudit.Change::isClaim);
  }

  @Test
  @DisplayName("while its receiver hangs, the delivery is leased to this node by the ingest transaction itself "
      + "(expiring lease_seconds after its creation) and never claimed")
  void leasedByTheIngestTransaction() {
    String path = "/handover/hang";
    receiver.always(path, FakeReceiver.Reply.hang());
    String deliveryId = trackOneFor(path);
    try {
      receiver.await(path, 1, 10_000);
      Row row = gateway.sql("SELECT lease_owner, attempts, "
          + "lease_expires_at = created_at + make_interval(secs => $2) AS leased_at_insert "
          + "FROM deliveries WHERE id = $1", deliveryId, LEASE_SECONDS).get(0);
      assertThat(row.getString("lease_owner")).as("lease owner while sending").isEqualTo(gateway.gateway().nodeId());
      assertThat(row.getInteger("attempts")).as("attempts while sending").isZero();
      assertThat(row.getBoolean("leased_at_insert"))
          .as("lease_expires_at = created_at + lease_seconds: both from the ingest transaction's now()").isTrue();
      List<LeaseAudit.Change> changes = LeaseAudit.of(gateway, deliveryId);
      assertThat(changes).as("lease changes while sending: %s", changes).hasSize(1);
      assertThat(changes.get(0).leaseOwner()).isEqualTo(gateway.gateway().nodeId());
    } finally {
      receiver.always(path, FakeReceiver.Reply.ok());
      receiver.dropHanging();
    }
    Hooks.awaitDeliveryStatus(gateway, deliveryId, "succeeded", 20_000);
  }

  @Test
  @DisplayName("a hung receiver gets per_endpoint_in_flight requests; hand-overs beyond the hold limit go back to "
      + "the table unleased; a healthy endpoint still gets its own within max_in_flight; all arrive in the end")
  void boundsHoldForHandOvers() {
    String project = Hooks.newProject(api);
    String hungPath = "/handover/hung";
    receiver.always(hungPath, FakeReceiver.Reply.hang());
    // Its own server: the sender's connection pool (max_in_flight per server) cannot be what bounds it.
    FakeReceiver healthy = FakeReceiver.start().always("/healthy", FakeReceiver.Reply.ok().after(100));
    String hungHook = subscribe(project, receiver.url(hungPath), "stuck");
    int stuck = DeliveryQueues.HELD_MAX_MULTIPLE * PER_ENDPOINT + 22;
    try {
      subscribe(project, healthy.url("/healthy"), "fine");
      int endpointHold = DeliveryQueues.HELD_MAX_MULTIPLE * PER_ENDPOINT;
      ingest(project, "stuck", stuck);

      TestGateway.await(PER_ENDPOINT + " requests hanging", 10_000, () -> receiver.hangingCount() == PER_ENDPOINT);
      TestGateway.await("the deliveries beyond the endpoint's hold limit given back", 10_000, () -> gateway.count(
          "SELECT count(*) FROM deliveries WHERE webhook_id = $1 AND lease_owner IS NULL AND status = 'pending'",
          hungHook) == stuck - endpointHold);
      assertThat(gateway.count("SELECT count(*) FROM deliveries WHERE webhook_id = $1 AND lease_owner = $2",
          hungHook, gateway.gateway().nodeId())).as("deliveries the engine holds for the hung endpoint")
          .isEqualTo(endpointHold);

      // Up to the node's hold limit: all of them are taken, and share the one slot max_in_flight leaves.
      int fine = DeliveryQueues.HELD_MAX_MULTIPLE * MAX_IN_FLIGHT - endpointHold;
      ingest(project, "fine", fine);
      healthy.await("/healthy", fine, 20_000);
      assertThat(healthy.maxConcurrent("/healthy"))
          .as("requests at once to the healthy endpoint while the hung one has %d of max_in_flight %d",
              PER_ENDPOINT, MAX_IN_FLIGHT)
          .isEqualTo(MAX_IN_FLIGHT - PER_ENDPOINT);
      assertThat(receiver.maxConcurrent(hungPath)).as("requests at once to the hung endpoint").isEqualTo(PER_ENDPOINT);
      assertThat(receiver.hangingCount()).as("requests hanging").isEqualTo(PER_ENDPOINT);
    } finally {
      receiver.always(hungPath, FakeReceiver.Reply.ok());
      receiver.dropHanging();
      healthy.close();
    }
    TestGateway.await("every delivery to the hung endpoint succeeded", 30_000, () -> gateway.count(
        "SELECT count(*) FROM deliveries WHERE webhook_id = $1 AND status = 'succeeded'", hungHook) == stuck);
    Set<String> ids = receiver.requests(hungPath).stream().map(r -> r.header("webhook-id")).collect(Collectors.toSet());
    assertThat(ids).as("distinct deliveries received by the once hung endpoint").hasSize(stuck);
    assertThat(receiver.maxConcurrent(hungPath)).as("requests at once to it, ever").isEqualTo(PER_ENDPOINT);
  }

  @Test
  @DisplayName("a delivery handed over while its endpoint's circuit is open is given back without an attempt, "
      + "and sent once the circuit lets a probe through")
  void openCircuitGivesBack() {
    String project = Hooks.newProject(api);
    String path = "/handover/breaker";
    receiver.always(path, FakeReceiver.Reply.status(500));
    JsonObject hook = Hooks.createWebhook(api, project, receiver.url(path), Hooks.retry(1, 100, 1, 100));
    String webhookId = hook.getString("id");
    ingest(project, "failing", BREAKER_MAX_FAILURES);
    TestGateway.await("the circuit to open", 20_000, () -> "open".equals(Hooks.webhook(api, project, webhookId)
        .getString("circuit_state")));
    receiver.always(path, FakeReceiver.Reply.ok());

    JsonObject event = Hooks.track(api, project, "after", new JsonObject());
    String deliveryId = Hooks.deliveryFor(gateway, webhookId, event.getString("id"));
    Hooks.awaitDeliveryStatus(gateway, deliveryId, "succeeded", BREAKER_RESET_MS + 20_000);

    List<LeaseAudit.Change> changes = LeaseAudit.of(gateway, deliveryId);
    assertThat(changes).as("lease changes: %s", changes).hasSizeGreaterThanOrEqualTo(3);
    assertThat(changes.get(0).leaseOwner()).as("leased at insert to").isEqualTo(gateway.gateway().nodeId());
    assertThat(changes.get(1).isGiveBack(0)).as("then given back without an attempt: %s", changes).isTrue();
    assertThat(changes.get(1).since(changes.get(0))).as("given back within").isLessThan(Duration.ofSeconds(5));
    assertThat(gateway.count("SELECT count(*) FROM delivery_attempts WHERE delivery_id = $1", deliveryId))
        .as("attempts recorded: waiting for the open circuit spent none").isEqualTo(1);
    assertThat(Hooks.deliveryAttempts(gateway, deliveryId)).isEqualTo(1);
  }

  /** A project of its own with a webhook to {@code path} and one tracked event; returns the event's delivery id. */
  private static String trackOneFor(String path) {
    String project = Hooks.newProject(api);
    JsonObject hook = Hooks.createWebhook(api, project, receiver.url(path), Hooks.retry(3, 100, 1, 100));
    JsonObject event = Hooks.track(api, project, "signup", new JsonObject());
    return Hooks.deliveryFor(gateway, hook.getString("id"), event.getString("id"));
  }

  /** A webhook of {@code project} for {@code eventType} only; returns its id. */
  private static String subscribe(String project, String url, String eventType) {
    return Hooks.createWebhook(api, new JsonObject().put("project_id", project).put("name", eventType).put("url", url)
        .put("events", new JsonArray().add(eventType)).put("retry_config", Hooks.retry(5, 100, 1, 100)))
        .getString("id");
  }

  /** {@code count} events of {@code eventType} in one batch (one transaction, one hand-over). */
  private static void ingest(String project, String eventType, int count) {
    JsonArray events = new JsonArray();
    for (int i = 0; i < count; i++) {
      events.add(new JsonObject().put("project_id", project).put("event_type", eventType)
          .put("visitor_id", "vis_" + UUID.randomUUID()));
    }
    Api.Response response = api.post("/v1/events/batch", new JsonObject().put("events", events));
    assertThat(response.status()).as("%s", response).isEqualTo(200);
    assertThat(response.json().getInteger("accepted")).isEqualTo(count);
  }
}

package io.echotag.webhooks;

import io.echotag.Services;
import io.echotag.testing.Api;
import io.echotag.testing.FakeReceiver;
import io.echotag.testing.TestGateway;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.echotag.testing.TestGateway.resultOf;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Deliveries ingested on a node whose delivery engine does not take them: an "edge" node with
 * {@code delivery.enabled=false} (the tests deploy an engine on it where they need one) and a
 * worker node on the same database, with no API, whose sweep runs every 100 ms. A trigger in the
 * database logs every lease change ({@link LeaseAudit}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName("Deliveries ingested where no delivery engine takes them")
class DeliveryWithoutLocalEngineTest {
  static final int LEASE_SECONDS = 60;

  private FakeReceiver receiver;
  private TestGateway edge;
  private TestGateway worker;

  @BeforeAll
  void start() {
    receiver = FakeReceiver.start();
    JsonObject common = Hooks.overrides(10_000, 1_000);
    common.getJsonObject("delivery").put("lease_seconds", LEASE_SECONDS);
    edge = TestGateway.start(common.copy()
        .mergeIn(new JsonObject().put("delivery", new JsonObject().put("enabled", false)), true));
    worker = TestGateway.join(edge, common.copy().mergeIn(new JsonObject()
        .put("api", new JsonObject().put("enabled", false))
        .put("triggers", new JsonObject().put("enabled", false)), true));
    LeaseAudit.install(edge);
  }

  @AfterAll
  void stop() {
    worker.close();
    edge.close();
    receiver.close();
  }

  @Test
  @DisplayName("a node with delivery.enabled=false inserts its deliveries unleased, and a worker's sweep claims "
      + "and sends them")
  void disabledNodeLeavesDeliveriesToTheSweep() {
    String project = Hooks.newProject(edge.api());
    String path = "/elsewhere/worker";
    JsonObject hook = Hooks.createWebhook(edge.api(), project, receiver.url(path), Hooks.retry(3, 100, 1, 100));
    JsonObject event = Hooks.track(edge.api(), project, "signup", new JsonObject());

    receiver.await(path, 1, 10_000);
    String deliveryId = Hooks.deliveryFor(edge, hook.getString("id"), event.getString("id"));
    Hooks.awaitDeliveryStatus(edge, deliveryId, "succeeded", 10_000);
    List<LeaseAudit.Change> changes = LeaseAudit.of(edge, deliveryId);
    assertThat(changes).as("lease changes: %s", changes).hasSize(3);
    assertThat(changes.get(0).op()).isEqualTo("INSERT");
    assertThat(changes.get(0).leaseOwner()).as("lease owner at insert").isNull();
    assertThat(changes.get(1).isClaim()).as("then claimed: %s", changes).isTrue();
    assertThat(changes.get(1).leaseOwner()).as("claimed by").isEqualTo(worker.gateway().nodeId());
    assertThat(changes.get(2).leaseOwner()).as("lease after the attempt").isNull();
    assertThat(changes.get(2).attempts()).isEqualTo(1);
  }

  @Test
  @DisplayName("a hand-over refused because the engine stopped after the ingest leased the rows to it gives "
      + "them back at once, and another engine sends them")
  void refusedHandOverGivesBack() throws Exception {
    Vertx vertx = edge.gateway().vertx();
    Services services = edge.gateway().services();
    String owner = "engine-" + UUID.randomUUID();
    String engine = resultOf(vertx.deployVerticle(new DeliveryVerticle(services, services.breakers(), owner)));
    boolean undeployed = false;
    SqlConnection lock = null;
    try {
      String project = Hooks.newProject(edge.api());
      String path = "/elsewhere/refused";
      JsonObject hook = Hooks.createWebhook(edge.api(), new JsonObject().put("project_id", project)
          .put("name", "refused").put("url", receiver.url(path)).put("events", new JsonArray().add("handed")));
      String visitor = "vis_" + UUID.randomUUID();
      assertThat(track(project, "visit", visitor).status()).as("first event: the visitor's session").isEqualTo(201);

      // Holding the session row stops the next commit of this visitor after its statements were
      // written (the lease among them), before its outbox insert and COMMIT run.
      lock = resultOf(services.pool().getConnection());
      resultOf(lock.query("BEGIN").execute());
      assertThat(resultOf(lock.preparedQuery("SELECT id FROM sessions WHERE project_id = $1 AND visitor_id = $2 "
          + "FOR UPDATE").execute(Tuple.of(project, visitor))).rowCount()).as("the visitor's session").isEqualTo(1);
      CompletableFuture<Api.Response> tracked = CompletableFuture.supplyAsync(() -> track(project, "handed", visitor));
      TestGateway.await("the ingest transaction to wait for the session row", 10_000, () -> edge.count(
          "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' "
              + "AND query LIKE 'INSERT INTO sessions%'") == 1);
      resultOf(vertx.undeploy(engine));
      undeployed = true;
      resultOf(lock.query("ROLLBACK").execute());

      Api.Response response = tracked.get(30, TimeUnit.SECONDS);
      assertThat(response.status()).as("%s", response).isEqualTo(201);
      String deliveryId = Hooks.deliveryFor(edge, hook.getString("id"), response.json().getString("id"));
      Hooks.awaitDeliveryStatus(edge, deliveryId, "succeeded", 20_000);
      List<LeaseAudit.Change> changes = LeaseAudit.of(edge, deliveryId);
      assertThat(changes).as("lease changes: %s", changes).hasSize(4);
      assertThat(changes.get(0).leaseOwner()).as("leased at insert to the engine that stopped").isEqualTo(owner);
      assertThat(changes.get(1).isGiveBack(0)).as("then given back: %s", changes).isTrue();
      assertThat(changes.get(1).since(changes.get(0))).as("given back within (the lease is %d s)", LEASE_SECONDS)
          .isLessThan(Duration.ofSeconds(10));
      assertThat(changes.get(2).leaseOwner()).as("then claimed by").isEqualTo(worker.gateway().nodeId());
      assertThat(changes.get(3).attempts()).as("attempts when recorded").isEqualTo(1);
      assertThat(receiver.requests(path)).as("requests received").hasSize(1);
      assertThat(receiver.requests(path).get(0).header("webhook-id")).isEqualTo(deliveryId);
    } finally {
      if (lock != null) {
        resultOf(lock.query("ROLLBACK").execute().recover(e -> Future.succeededFuture()));
        lock.close();
      }
      if (!undeployed) {
        resultOf(vertx.undeploy(engine));
      }
    }
  }

  private Api.Response track(String project, String eventType, String visitor) {
    return edge.api().post("/v1/events", new JsonObject().put("project_id", project).put("event_type", eventType)
        .put("visitor_id", visitor));
  }
}

package io.echotag.cluster;

import io.echotag.bus.Addresses;
import io.echotag.testing.Api;
import io.echotag.testing.FakeReceiver;
import io.echotag.testing.TestGateway;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static io.echotag.cluster.ClusterNodes.TIMEOUT_MS;
import static io.echotag.testing.TestGateway.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two clustered nodes on one database: A (API and delivery, no trigger engine) and B (every role).
 * Work is shared through PostgreSQL; cache invalidations cross the clustered event bus.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClusterSharingTest {
  /** The bound the issue sets for a change on one node to act on another. */
  static final long WITHIN_MS = 1_000;
  /** Longer than any test here: a key cached on B can only be refused because the revocation reached it. */
  static final long KEY_CACHE_TTL_MS = 600_000;

  private FakeReceiver receiver;
  private TestGateway a;
  private TestGateway b;

  @BeforeAll
  void start() {
    receiver = FakeReceiver.start();
    ClusterNodes.Cluster cluster = new ClusterNodes.Cluster(2);
    JsonObject common = ClusterNodes.delivery(10_000)
        .put("keys", new JsonObject().put("cache_ttl_ms", KEY_CACHE_TTL_MS));
    a = TestGateway.start(common.copy().mergeIn(cluster.node(0), true)
        .mergeIn(new JsonObject().put("triggers", new JsonObject().put("enabled", false)), true));
    b = TestGateway.join(a, common.copy().mergeIn(cluster.node(1), true));
  }

  @AfterAll
  void stop() {
    for (AutoCloseable closeable : new AutoCloseable[] {b, a, receiver}) {
      try {
        if (closeable != null) {
          closeable.close();
        }
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
  }

  @Test
  @DisplayName("1,000 deliveries of events ingested on both nodes are split between the nodes, each sent exactly once")
  void deliveriesSplitWithoutDuplicates() {
    String project = ClusterNodes.newProject(a.api());
    ClusterNodes.createWebhook(a.api(), project, receiver.url("/split"));
    long sentByA = ClusterNodes.attempts(a);
    long sentByB = ClusterNodes.attempts(b);

    for (int i = 0; i < 2; i++) {
      ClusterNodes.ingestBatch(a.api(), project, "split", 250);
      ClusterNodes.ingestBatch(b.api(), project, "split", 250);
    }

    receiver.await("/split", 1_000, TIMEOUT_MS);
    await("every delivery recorded as succeeded", TIMEOUT_MS, () -> a.count(
        "SELECT count(*) FROM deliveries WHERE project_id = $1 AND status = 'succeeded'", project) == 1_000);
    List<FakeReceiver.Received> requests = receiver.requests("/split");
    Set<String> ids = new HashSet<>();
    requests.forEach(r -> ids.add(r.header("webhook-id")));
    assertThat(requests).as("requests received").hasSize(1_000);
    assertThat(ids).as("distinct webhook-id headers").hasSize(1_000);
    assertThat(a.count("SELECT count(*) FROM delivery_attempts WHERE project_id = $1", project))
        .as("attempts recorded").isEqualTo(1_000);
    long byA = ClusterNodes.attempts(a) - sentByA;
    long byB = ClusterNodes.attempts(b) - sentByB;
    assertThat(byA).as("sent by node A (B sent %d)", byB).isPositive();
    assertThat(byB).as("sent by node B (A sent %d)", byA).isPositive();
    assertThat(byA + byB).as("sent by both nodes together").isEqualTo(1_000);
    System.out.printf("cluster: 1,000 deliveries split A %d / B %d%n", byA, byB);
  }

  @Test
  @DisplayName("a trigger created and then changed on A acts on events ingested on B within 1 s, B's trigger cache dropped by the bus")
  void triggerChangedOnAActsOnB() {
    JsonObject trigger = new JsonObject().put("name", "gold signup").put("event_type", "signup")
        .put("conditions", new JsonObject().put("plan", new JsonObject().put("equals", "gold")))
        .put("actions", new JsonArray().add(new JsonObject().put("type", "add_tag").put("tag", "vip")));
    Api.Response created = a.api().post("/v1/triggers", trigger);
    assertThat(created.status()).as("create trigger on A: %s", created).isEqualTo(201);
    String triggerId = created.json().getString("id");

    // Warm-up (first use after start compiles and connects); then B's engine holds the trigger in its cache.
    awaitSucceeded(triggerId, signupOnB("gold"), TIMEOUT_MS);
    long created0 = System.nanoTime();
    String v1 = signupOnB("gold");
    awaitSucceeded(triggerId, v1, WITHIN_MS);
    long actedMs = (System.nanoTime() - created0) / 1_000_000;

    List<JsonObject> changesOnB = new CopyOnWriteArrayList<>();
    b.gateway().vertx().eventBus().<JsonObject>consumer(Addresses.CONFIG_CHANGED, m -> changesOnB.add(m.body()))
        .completion().toCompletionStage().toCompletableFuture().join();
    Api.Response patched = a.api().patch("/v1/triggers/" + triggerId, new JsonObject()
        .put("conditions", new JsonObject().put("plan", new JsonObject().put("equals", "platinum"))));
    assertThat(patched.status()).as("change trigger on A: %s", patched).isEqualTo(200);
    long patchedAt = System.nanoTime();
    await("B to hear of the trigger change", WITHIN_MS, () -> changesOnB.stream()
        .anyMatch(c -> "trigger".equals(c.getString("kind")) && triggerId.equals(c.getString("id"))));
    long heardMs = (System.nanoTime() - patchedAt) / 1_000_000;

    String stale = signupOnB("gold");
    String fresh = signupOnB("platinum");
    awaitSucceeded(triggerId, fresh, WITHIN_MS);
    await("B's engine to consume the trigger's work", TIMEOUT_MS,
        () -> a.count("SELECT count(*) FROM trigger_work WHERE project_id = $1", a.projectId()) == 0);
    assertThat(executions(triggerId, stale)).as("executions for a gold signup after the change")
        .noneMatch(e -> "succeeded".equals(e.getString("status")));
    System.out.printf("cluster: trigger acted on B %d ms after ingest; B heard of the change %d ms after the PATCH%n",
        actedMs, heardMs);
  }

  @Test
  @DisplayName("a key revoked on A is refused by B within 1 s although B's key cache would trust it for 10 minutes")
  void keyRevokedOnAIsRefusedByB() {
    Api.Response created = a.api().post("/v1/auth/keys", new JsonObject().put("name", "short-lived"));
    assertThat(created.status()).as("create key: %s", created).isEqualTo(201);
    Api onB = b.api().withKey(created.json().getString("key"));
    assertThat(onB.get("/v1/projects").status()).as("B accepts (and caches) the new key").isEqualTo(200);

    Api.Response revoked = a.api().delete("/v1/auth/keys/" + created.json().getString("id"));
    assertThat(revoked.status()).as("revoke on A: %s", revoked).isEqualTo(204);
    long revokedAt = System.nanoTime();
    int[] accepted = new int[1];
    await("B to refuse the revoked key", WITHIN_MS, () -> {
      int status = onB.get("/v1/projects").status();
      if (status == 200) {
        accepted[0]++;
      }
      return status == 401;
    });
    System.out.printf("cluster: B refused the revoked key %d ms after the revocation (%d request(s) still accepted)%n",
        (System.nanoTime() - revokedAt) / 1_000_000, accepted[0]);
    assertThat(a.api().withKey(created.json().getString("key")).get("/v1/projects").status())
        .as("A refuses it too").isEqualTo(401);
  }

  /** Tracks a signup on B for a new visitor; returns the visitor id. */
  private String signupOnB(String plan) {
    String visitor = "vis_" + UUID.randomUUID();
    Api.Response tracked = b.api().post("/v1/events", new JsonObject().put("event_type", "signup")
        .put("visitor_id", visitor).put("data", new JsonObject().put("plan", plan)));
    assertThat(tracked.status()).as("track on B: %s", tracked).isEqualTo(201);
    return visitor;
  }

  private List<JsonObject> executions(String triggerId, String visitor) {
    Api.Response listed = a.api().get("/v1/executions?trigger_id=" + triggerId + "&visitor_id=" + visitor);
    assertThat(listed.status()).as("executions: %s", listed).isEqualTo(200);
    return listed.data().stream().map(JsonObject.class::cast).toList();
  }

  private void awaitSucceeded(String triggerId, String visitor, long timeoutMs) {
    await("a succeeded execution of " + triggerId + " for " + visitor, timeoutMs,
        () -> executions(triggerId, visitor).stream().anyMatch(e -> "succeeded".equals(e.getString("status"))));
  }
}

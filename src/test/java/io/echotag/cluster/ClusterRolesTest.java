package io.echotag.cluster;

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

import java.util.UUID;

import static io.echotag.cluster.ClusterNodes.TIMEOUT_MS;
import static io.echotag.testing.TestGateway.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Roles scaled apart: an "edge" node with only the API, a "worker" node with only triggers and
 * delivery. The worker never polls on a timer here (10-minute intervals), so whatever it does
 * promptly was woken by news that crossed the cluster from the edge.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClusterRolesTest {
  static final int POLL_NEVER_MS = 600_000;

  private FakeReceiver receiver;
  private TestGateway edge;
  private TestGateway worker;

  @BeforeAll
  void start() {
    receiver = FakeReceiver.start();
    ClusterNodes.Cluster cluster = new ClusterNodes.Cluster(2);
    edge = TestGateway.start(ClusterNodes.delivery(10_000).mergeIn(cluster.node(0), true)
        .mergeIn(ClusterNodes.roles(true, false, false), true));
    worker = TestGateway.join(edge, ClusterNodes.delivery(10_000).mergeIn(cluster.node(1), true)
        .mergeIn(ClusterNodes.roles(false, true, true), true)
        .mergeIn(new JsonObject()
            .put("delivery", new JsonObject().put("poll_interval_ms", POLL_NEVER_MS))
            .put("triggers", new JsonObject().put("poll_interval_ms", POLL_NEVER_MS)), true));
  }

  @AfterAll
  void stop() throws Exception {
    worker.close();
    edge.close();
    receiver.close();
  }

  @Test
  @DisplayName("a node with api.enabled=false serves /health and /metrics on http.port and nothing under /v1")
  void workerServesProbesOnly() {
    Api probes = new Api(worker.api().baseUrl(), null);
    assertThat(probes.get("/health/live").status()).as("/health/live").isEqualTo(200);
    Api.Response ready = probes.get("/health/ready");
    assertThat(ready.status()).as("/health/ready: %s", ready).isEqualTo(200);
    assertThat(ready.json().getString("database")).isEqualTo("up");
    Api.Response metrics = probes.get("/metrics");
    assertThat(metrics.status()).as("/metrics").isEqualTo(200);
    assertThat(metrics.body()).contains("echotag_webhook_deliveries_pending").contains("echotag_cluster_members 2.0");
    Api.Response api = worker.api().get("/v1/projects");
    assertThat(api.status()).as("/v1/projects on the worker: %s", api).isEqualTo(404);
    assertThat(api.error().getString("type")).as("error shape: %s", api).isNotBlank();
  }

  @Test
  @DisplayName("events ingested on an api-only node are delivered and their triggers run by the worker at once; "
      + "the node with delivery.enabled=false sends nothing")
  void edgeSendsNothingWorkerDoesTheWork() {
    String project = ClusterNodes.newProject(edge.api());
    ClusterNodes.createWebhook(edge.api(), project, receiver.url("/roles"));
    Api.Response trigger = edge.api().post("/v1/triggers", new JsonObject().put("project_id", project)
        .put("name", "tag buyers").put("event_type", "purchase")
        .put("actions", new JsonArray().add(new JsonObject().put("type", "add_tag").put("tag", "buyer"))));
    assertThat(trigger.status()).as("create trigger: %s", trigger).isEqualTo(201);

    ClusterNodes.ingestBatch(edge.api(), project, "page_view", 20);
    String visitor = "vis_" + UUID.randomUUID();
    Api.Response purchase = edge.api().post("/v1/events", new JsonObject().put("project_id", project)
        .put("event_type", "purchase").put("visitor_id", visitor));
    assertThat(purchase.status()).as("track purchase: %s", purchase).isEqualTo(201);

    // Well within the 10-minute poll: only the clustered wake-ups can have started this.
    receiver.await("/roles", 21, 20_000);
    String triggerId = trigger.json().getString("id");
    await("the worker to run the trigger", 20_000, () -> edge.api()
        .get("/v1/executions?project_id=" + project + "&trigger_id=" + triggerId + "&visitor_id=" + visitor).data()
        .stream().map(JsonObject.class::cast).anyMatch(e -> "succeeded".equals(e.getString("status"))));
    await("deliveries recorded", TIMEOUT_MS, () -> edge.count(
        "SELECT count(*) FROM deliveries WHERE project_id = $1 AND status = 'succeeded'", project) == 21);

    assertThat(ClusterNodes.attempts(edge)).as("attempts made by the edge (delivery.enabled=false)").isZero();
    assertThat(edge.gateway().services().registry().find("echotag.webhook.deliveries.pending").gauge())
        .as("the edge runs no delivery engine").isNull();
    assertThat(ClusterNodes.attempts(worker)).as("attempts made by the worker").isEqualTo(21);
  }
}

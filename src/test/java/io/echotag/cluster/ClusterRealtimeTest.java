package io.echotag.cluster;

import io.echotag.testing.Api;
import io.echotag.testing.TestGateway;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.UUID;

import static io.echotag.testing.TestGateway.await;
import static org.assertj.core.api.Assertions.assertThat;

/** Realtime counters span the cluster: every node's snapshot counts every node's events. */
class ClusterRealtimeTest {
  static final long WITHIN_MS = 1_000;

  @Test
  @DisplayName("events ingested on A appear in B's realtime snapshot within 1 s, distinct visitors merged across nodes")
  void eventsOnAAppearInBsSnapshot() {
    ClusterNodes.Cluster cluster = new ClusterNodes.Cluster(2);
    try (TestGateway a = TestGateway.start(cluster.node(0));
         TestGateway b = TestGateway.join(a, cluster.node(1))) {
      String project = ClusterNodes.newProject(a.api());
      String path = "/v1/analytics/realtime?project_id=" + project;
      // Warm-up: both nodes' realtime engines have seen the project before the clock starts.
      track(b.api(), project, "warm_up", "vis_shared");
      await("B's snapshot to show the warm-up", 30_000, () -> snapshot(b, path).getLong("events_last_minute") >= 1);

      long before = snapshot(b, path).getLong("events_last_minute");
      long start = System.nanoTime();
      for (int i = 0; i < 5; i++) {
        track(a.api(), project, "page_view", "vis_" + UUID.randomUUID());
      }
      track(a.api(), project, "page_view", "vis_shared");
      await("B's snapshot to count A's 6 events", WITHIN_MS,
          () -> snapshot(b, path).getLong("events_last_minute") >= before + 6);
      System.out.printf("cluster: A's events in B's snapshot after %d ms%n", (System.nanoTime() - start) / 1_000_000);

      JsonObject onB = snapshot(b, path);
      // vis_shared was seen by both nodes: counted once. 1 + 5 distinct visitors in all.
      assertThat(onB.getLong("active_visitors")).as("distinct visitors across nodes: %s", onB).isEqualTo(6);
      JsonObject onA = snapshot(a, path);
      assertThat(onA.getLong("events_last_minute")).as("A's own view: %s", onA).isEqualTo(onB.getLong("events_last_minute"));
    }
  }

  private static void track(Api api, String project, String type, String visitor) {
    Api.Response tracked = api.post("/v1/events", new JsonObject().put("project_id", project).put("event_type", type)
        .put("visitor_id", visitor));
    assertThat(tracked.status()).as("track: %s", tracked).isEqualTo(201);
  }

  private static JsonObject snapshot(TestGateway node, String path) {
    Api.Response answer = node.api().get(path);
    assertThat(answer.status()).as("GET %s: %s", path, answer).isEqualTo(200);
    return answer.json();
  }
}

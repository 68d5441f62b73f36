package io.echotag.cluster;

import io.echotag.testing.Api;
import io.echotag.testing.TestGateway;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** What the multi-node tests share: cluster settings on 127.0.0.1, delivery settings, per-node meters. */
final class ClusterNodes {
  /** How long a poll waits before a test fails (generous: the test machine has 2 shared cores). */
  static final long TIMEOUT_MS = 60_000;

  private ClusterNodes() {
  }

  /** A cluster of its own (unique name) whose members are the Hazelcast ports given, all on 127.0.0.1. */
  static final class Cluster {
    private final String name = "echotag-test-" + UUID.randomUUID().toString().substring(0, 8);
    private final int[] ports;

    Cluster(int nodes) {
      ports = new int[nodes];
      for (int i = 0; i < nodes; i++) {
        ports[i] = freePort();
      }
    }

    /** Overrides for node {@code index}: cluster mode on, its port, every node in the member list. */
    JsonObject node(int index) {
      JsonArray members = new JsonArray();
      for (int port : ports) {
        members.add("127.0.0.1:" + port);
      }
      return new JsonObject().put("cluster", new JsonObject().put("enabled", true).put("name", name)
          .put("host", "127.0.0.1").put("port", ports[index]).put("members", members));
    }
  }

  /** Loopback receivers allowed, due deliveries looked for every 100 ms, {@code timeoutMs} per attempt. */
  static JsonObject delivery(int timeoutMs) {
    return new JsonObject()
        .put("webhooks", new JsonObject().put("allow_private_networks", true).put("timeout_ms", timeoutMs))
        .put("delivery", new JsonObject().put("poll_interval_ms", 100));
  }

  static JsonObject roles(boolean api, boolean triggers, boolean delivery) {
    return new JsonObject()
        .put("api", new JsonObject().put("enabled", api))
        .put("triggers", new JsonObject().put("enabled", triggers))
        .put("delivery", new JsonObject().put("enabled", delivery));
  }

  /** Webhook attempts this node made (every outcome), from its own meter registry. */
  static long attempts(TestGateway node) {
    return Math.round(node.gateway().services().registry().find("echotag.webhook.attempts").counters().stream()
        .mapToDouble(Counter::count).sum());
  }

  static String createWebhook(Api api, String projectId, String url) {
    Api.Response created = api.post("/v1/webhooks", new JsonObject().put("project_id", projectId).put("name", "hook")
        .put("url", url).put("events", new JsonArray().add("*")));
    assertThat(created.status()).as("create webhook: %s", created).isEqualTo(201);
    return created.json().getString("id");
  }

  /** Ingests {@code count} events of {@code eventType} in one batch; all must be accepted. */
  static void ingestBatch(Api api, String projectId, String eventType, int count) {
    JsonArray events = new JsonArray();
    for (int i = 0; i < count; i++) {
      events.add(new JsonObject().put("event_type", eventType).put("visitor_id", "vis_" + UUID.randomUUID()));
    }
    Api.Response answer = api.post("/v1/events/batch", new JsonObject().put("project_id", projectId)
        .put("events", events));
    assertThat(answer.status()).as("batch: %s", answer).isEqualTo(200);
    assertThat(answer.json().getInteger("accepted")).as("accepted of %s", answer).isEqualTo(count);
  }

  static String newProject(Api api) {
    Api.Response created = api.post("/v1/projects", new JsonObject().put("name", "p-" + UUID.randomUUID()));
    assertThat(created.status()).as("create project: %s", created).isEqualTo(201);
    return created.json().getString("id");
  }

  static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

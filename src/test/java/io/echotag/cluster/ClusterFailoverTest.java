package io.echotag.cluster;

import io.echotag.testing.FakeReceiver;
import io.echotag.testing.TestGateway;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static io.echotag.cluster.ClusterNodes.TIMEOUT_MS;
import static io.echotag.testing.TestGateway.await;
import static org.assertj.core.api.Assertions.assertThat;

/** A node that dies while it sends leaves its leased deliveries to the other node once the lease runs out. */
class ClusterFailoverTest {
  static final int LEASE_SECONDS = 3;
  static final int EVENTS = 6;

  private FakeReceiver receiver;
  private TestGateway a;
  private TestGateway b;

  @AfterEach
  void stop() throws Exception {
    if (b != null) {
      b.close();
    }
    if (receiver != null) {
      receiver.close();
    }
  }

  @Test
  @DisplayName("deliveries leased by a node that crashes mid-request are sent once by the other node after the lease expires")
  void crashedNodesLeasesGoToTheOtherNode() {
    receiver = FakeReceiver.start().always("/slow", FakeReceiver.Reply.hang());
    ClusterNodes.Cluster cluster = new ClusterNodes.Cluster(2);
    // A request outlives the lease here on purpose: A must still be sending when it dies.
    JsonObject common = ClusterNodes.delivery(60_000)
        .mergeIn(new JsonObject().put("delivery", new JsonObject().put("poll_interval_ms", 100)
            .put("lease_seconds", LEASE_SECONDS)), true);
    a = TestGateway.start(common.copy().mergeIn(cluster.node(0), true));
    String project = ClusterNodes.newProject(a.api());
    ClusterNodes.createWebhook(a.api(), project, receiver.url("/slow"));

    // A is alone when the events come, so A's engine holds them all, and its requests hang at the receiver.
    ClusterNodes.ingestBatch(a.api(), project, "slow", EVENTS);
    await(EVENTS + " requests from A hanging at the receiver", TIMEOUT_MS, () -> receiver.hangingCount() == EVENTS);
    Set<String> sentByA = receiver.requests("/slow").stream().map(r -> r.header("webhook-id")).collect(Collectors.toSet());
    assertThat(sentByA).as("deliveries A is sending").hasSize(EVENTS);
    assertThat(a.count("SELECT count(*) FROM deliveries WHERE project_id = $1 AND lease_owner = $2", project,
        a.gateway().nodeId())).as("deliveries leased by A").isEqualTo(EVENTS);

    b = TestGateway.join(a, common.copy().mergeIn(cluster.node(1), true));
    receiver.always("/slow", FakeReceiver.Reply.ok());
    Instant leasesEnd = b.sql("SELECT max(lease_expires_at) AS t FROM deliveries WHERE project_id = $1", project)
        .get(0).getOffsetDateTime("t").toInstant();
    // The crash: A's pool goes first, so A can neither record its attempts nor give its leases back.
    a.crash(receiver::dropHanging);
    a = null;

    List<FakeReceiver.Received> all = receiver.await("/slow", 2 * EVENTS, TIMEOUT_MS);
    await("every delivery recorded as succeeded", TIMEOUT_MS, () -> b.count(
        "SELECT count(*) FROM deliveries WHERE project_id = $1 AND status = 'succeeded'", project) == EVENTS);
    List<FakeReceiver.Received> byB = all.subList(EVENTS, all.size());
    assertThat(byB).as("requests after the crash").hasSize(EVENTS);
    assertThat(byB.stream().map(r -> r.header("webhook-id")).collect(Collectors.toSet()))
        .as("the deliveries B sent are the ones A held").isEqualTo(sentByA);
    // PostgreSQL's clock and this JVM's are the same machine's; allow a little rounding.
    assertThat(byB).as("B waited for A's leases to expire (%s)", leasesEnd)
        .allMatch(r -> !r.arrivedAt().isBefore(leasesEnd.minusMillis(50)));
    assertThat(ClusterNodes.attempts(b)).as("attempts B made").isEqualTo(EVENTS);
    assertThat(b.count("SELECT count(*) FROM delivery_attempts WHERE project_id = $1", project))
        .as("attempts recorded (A's were lost with it)").isEqualTo(EVENTS);
  }
}

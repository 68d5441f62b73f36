package io.echotag.webhooks;

import io.echotag.testing.Api;
import io.echotag.testing.FakeReceiver;
import io.echotag.testing.FakeReceiver.Received;
import io.echotag.testing.FakeReceiver.Reply;
import io.echotag.testing.TestGateway;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Circuit breakers per webhook endpoint")
class WebhookBreakerTest {
  static final int RESET_MS = 1500;
  static final int TIMEOUT_MS = 1500;
  static TestGateway gateway;
  static Api api;
  static FakeReceiver receiver;

  @BeforeAll
  static void start() {
    receiver = FakeReceiver.start();
    gateway = TestGateway.start(Hooks.overrides(TIMEOUT_MS, RESET_MS));
    api = gateway.api();
  }

  @AfterAll
  static void stop() {
    gateway.close();
    receiver.close();
  }

  @Test
  @DisplayName("5 failures in a row open the circuit; while open no attempt is spent; after breaker_reset_ms one probe goes out and its success closes it")
  void opensWaitsProbesCloses() {
    String path = "/breaker/flaky";
    receiver.script(path, fails(5));
    String project = Hooks.newProject(api);
    String hook = Hooks.createWebhook(api, project, receiver.url(path), Hooks.retry(10, 100, 1, 100)).getString("id");

    String first = Hooks.deliveryFor(gateway, hook, Hooks.track(api, project, "signup", new JsonObject())
        .getString("id"));
    TestGateway.await("the circuit to open", 10_000, () -> "open".equals(circuit(project, hook)));
    assertThat(receiver.requests(path)).hasSize(5);
    // The circuit opens on the 5th answer; its attempt is recorded just after (attempt writes are batched).
    TestGateway.await("the 5th attempt to be recorded", 5_000, () -> Hooks.deliveryAttempts(gateway, first) == 5);
    assertThat(Hooks.deliveryStatus(gateway, first)).isEqualTo("retrying");

    String second = Hooks.deliveryFor(gateway, hook, Hooks.track(api, project, "signup", new JsonObject())
        .getString("id"));
    List<String> spentWhileOpen = new ArrayList<>();
    TestGateway.await("the circuit to leave open", RESET_MS + 5_000, () -> {
      if (!"open".equals(circuit(project, hook))) {
        return true;
      }
      int sent = receiver.requests(path).size();
      int firstAttempts = Hooks.deliveryAttempts(gateway, first);
      int secondAttempts = Hooks.deliveryAttempts(gateway, second);
      // The state is read again: an attempt seen after the circuit closed is no violation.
      if ((sent != 5 || firstAttempts != 5 || secondAttempts != 0) && "open".equals(circuit(project, hook))) {
        spentWhileOpen.add("sent " + sent + ", attempts " + firstAttempts + " and " + secondAttempts);
      }
      return false;
    });
    assertThat(spentWhileOpen).as("requests or attempts while the circuit was open").isEmpty();

    Hooks.awaitDeliveryStatus(gateway, first, "succeeded", 10_000);
    Hooks.awaitDeliveryStatus(gateway, second, "succeeded", 10_000);
    List<Received> requests = receiver.requests(path);
    assertThat(requests).hasSize(7);
    assertThat(requests.get(4).millisUntil(requests.get(5))).as("the probe waits for breaker_reset_ms")
        .isGreaterThanOrEqualTo(RESET_MS - 20L);
    assertThat(requests.get(5).header("webhook-id")).as("the probe is one of the waiting deliveries")
        .isIn(first, second);
    assertThat(Hooks.deliveryAttempts(gateway, first)).isEqualTo(6);
    assertThat(Hooks.deliveryAttempts(gateway, second)).as("waiting behind an open circuit cost no attempt")
        .isEqualTo(1);
    assertThat(circuit(project, hook)).isEqualTo("closed");
    assertThat(Hooks.logs(api, project, hook, "")).hasSize(7)
        .noneSatisfy(l -> assertThat(l.getString("error_code")).isEqualTo("E_CIRCUIT_OPEN"));
  }

  @Test
  @DisplayName("a failed probe opens the circuit again for another breaker_reset_ms")
  void failedProbeReopens() {
    String path = "/breaker/still-down";
    receiver.script(path, fails(6));
    String project = Hooks.newProject(api);
    String hook = Hooks.createWebhook(api, project, receiver.url(path), Hooks.retry(10, 100, 1, 100)).getString("id");

    String delivery = Hooks.deliveryFor(gateway, hook, Hooks.track(api, project, "signup", new JsonObject())
        .getString("id"));

    Hooks.awaitDeliveryStatus(gateway, delivery, "succeeded", 15_000);
    List<Received> requests = receiver.requests(path);
    assertThat(requests).hasSize(7);
    assertThat(requests.get(4).millisUntil(requests.get(5))).isGreaterThanOrEqualTo(RESET_MS - 20L);
    assertThat(requests.get(5).millisUntil(requests.get(6))).as("the failed probe reopened the circuit")
        .isGreaterThanOrEqualTo(RESET_MS - 20L);
    assertThat(Hooks.deliveryAttempts(gateway, delivery)).isEqualTo(7);
  }

  @Test
  @DisplayName("a hung endpoint on the same host does not slow deliveries to a healthy one (p95 ingest→receive under 1 s)")
  void hungEndpointIsIsolated() {
    String healthyPath = "/isolation/healthy";
    String hungPath = "/isolation/hung";
    receiver.always(hungPath, Reply.hang());
    String project = Hooks.newProject(api);
    Hooks.createWebhook(api, project, receiver.url(healthyPath), Hooks.retry(3, 100, 2, 1000));

    List<Long> alone = burst(project, healthyPath, 20);

    String hung = Hooks.createWebhook(api, project, receiver.url(hungPath), Hooks.retry(5, 100, 2, 1000))
        .getString("id");
    List<Long> beside = new ArrayList<>();
    // Let the hung endpoint take every connection it can get before measuring.
    while (receiver.hangingCount() < 5) {
      beside.addAll(burst(project, healthyPath, 1));
      assertThat(beside).as("the hung endpoint should hold 5 open requests by now").hasSizeLessThan(50);
    }
    beside.addAll(burst(project, healthyPath, 20));
    // And again once its first attempts have timed out and are being retried.
    TestGateway.await("a timed-out attempt of the hung endpoint", TIMEOUT_MS + 5_000,
        () -> !Hooks.logs(api, project, hung, "").isEmpty());
    beside.addAll(burst(project, healthyPath, 20));

    assertThat(Hooks.logs(api, project, hung, "")).as("the hung endpoint's attempts")
        .allSatisfy(l -> assertThat(l.getString("error_code")).isEqualTo("E_TIMEOUT"));
    assertThat(p95(alone)).as("p95 alone, latencies %s", alone).isLessThan(1000L);
    assertThat(p95(beside)).as("p95 beside a hung endpoint, latencies %s", beside).isLessThan(1000L);
    assertThat(gateway.count("SELECT count(*) FROM delivery_attempts WHERE project_id = $1 AND webhook_id <> $2 "
        + "AND status <> 'succeeded'", project, hung)).as("healthy attempts that did not succeed").isZero();
  }

  /** Ingests {@code n} events back to back, then waits for each at {@code path}: ingest→receive latencies in ms. */
  private List<Long> burst(String project, String path, int n) {
    List<String> ids = new ArrayList<>();
    List<Long> sentAt = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      sentAt.add(System.nanoTime());
      ids.add(Hooks.track(api, project, "page_view", new JsonObject()).getString("id"));
    }
    List<Long> latencies = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String eventId = ids.get(i);
      TestGateway.await("event " + eventId + " at " + path, 10_000, () -> arrival(path, eventId) != null);
      latencies.add(TimeUnit.NANOSECONDS.toMillis(arrival(path, eventId).arrivedNanos() - sentAt.get(i)));
    }
    return latencies;
  }

  private static Received arrival(String path, String eventId) {
    for (Received r : receiver.requests(path)) {
      if (eventId.equals(r.json().getJsonObject("data").getString("id"))) {
        return r;
      }
    }
    return null;
  }

  private static long p95(List<Long> values) {
    List<Long> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    return sorted.get((int) Math.ceil(0.95 * sorted.size()) - 1);
  }

  private static String circuit(String project, String hook) {
    return Hooks.webhook(api, project, hook).getString("circuit_state");
  }

  private static Reply[] fails(int n) {
    Reply[] replies = new Reply[n];
    for (int i = 0; i < n; i++) {
      replies[i] = Reply.status(500);
    }
    return replies;
  }
}

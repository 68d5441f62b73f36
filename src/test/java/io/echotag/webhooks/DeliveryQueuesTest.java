package io.echotag.webhooks;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static io.echotag.webhooks.DeliveryQueues.HELD_MAX_MULTIPLE;
import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("DeliveryQueues (what the delivery engine holds and what may start)")
class DeliveryQueuesTest {
  static final int MAX_IN_FLIGHT = 4;
  static final int PER_ENDPOINT = 2;

  private final DeliveryQueues queues = new DeliveryQueues(MAX_IN_FLIGHT, PER_ENDPOINT);

  @Test
  @DisplayName("at most per_endpoint_in_flight start per endpoint, one while its circuit is half-open; an answer frees the slot")
  void perEndpointCap() {
    holdAll("a", 5);
    holdAll("b", 5);
    List<ClaimedDelivery> started = queues.startable(endpoint -> endpoint.equals("b"));
    assertThat(ids(started)).containsExactly("a0", "a1", "b0");

    assertThat(queues.startable(endpoint -> false)).as("nothing answered yet, b no longer half-open")
        .extracting(ClaimedDelivery::id).containsExactly("b1");
    queues.answered(started.get(0));
    assertThat(ids(queues.startable(endpoint -> false))).as("after a0's answer, with the node at max_in_flight")
        .isEmpty();
  }

  @Test
  @DisplayName("at most max_in_flight start on the node; a slot frees when the attempt is recorded, not when answered")
  void nodeCap() {
    for (String endpoint : List.of("a", "b", "c")) {
      holdAll(endpoint, 2);
    }
    List<ClaimedDelivery> started = queues.startable(endpoint -> false);
    assertThat(started).hasSize(MAX_IN_FLIGHT);
    started.forEach(queues::answered);
    assertThat(queues.startable(endpoint -> false)).as("answered, not yet recorded").isEmpty();
    queues.recorded(started.get(0));
    assertThat(queues.startable(endpoint -> false)).as("one recorded").hasSize(1);
  }

  @Test
  @DisplayName("freed node slots go round the endpoints: one that just started a delivery waits behind the others")
  void slotsGoRound() {
    DeliveryQueues one = new DeliveryQueues(1, PER_ENDPOINT);
    for (String endpoint : List.of("a", "b", "c")) {
      for (int i = 0; i < 3; i++) {
        one.hold(delivery(endpoint + i, endpoint));
      }
    }
    StringBuilder order = new StringBuilder();
    for (int round = 0; round < 6; round++) {
      ClaimedDelivery next = one.startable(endpoint -> false).get(0);
      order.append(next.endpoint());
      one.answered(next);
      one.recorded(next);
    }
    assertThat(order.toString()).isEqualTo("abcabc");
  }

  @Test
  @DisplayName("hand-overs may be held up to 4× per_endpoint_in_flight per endpoint and 4× max_in_flight on the node")
  void holdLimits() {
    int perEndpointLimit = HELD_MAX_MULTIPLE * PER_ENDPOINT;
    holdAll("a", perEndpointLimit - 1);
    assertThat(queues.mayHold("a")).isTrue();
    queues.hold(delivery("a-last", "a"));
    assertThat(queues.mayHold("a")).as("endpoint a at its limit").isFalse();
    assertThat(queues.mayHold("b")).isTrue();

    holdAll("b", HELD_MAX_MULTIPLE * MAX_IN_FLIGHT - perEndpointLimit - 1);
    assertThat(queues.mayHold("c")).isTrue();
    queues.hold(delivery("b-last", "b"));
    assertThat(queues.mayHold("c")).as("the node at its limit").isFalse();
  }

  @Test
  @DisplayName("a delivery held already (claimed again after its lease ran out) is not queued a second time")
  void heldOnce() {
    queues.hold(delivery("a0", "a"));
    queues.hold(delivery("a0", "a"));
    assertThat(ids(queues.startable(endpoint -> false))).containsExactly("a0");
    assertThat(queues.saturated()).isEmpty();
  }

  @Test
  @DisplayName("the sweep's room leaves out what is queued beyond a saturated endpoint's own cap, and the endpoint is saturated")
  void roomBesideASaturatedQueue() {
    holdAll("hung", HELD_MAX_MULTIPLE * PER_ENDPOINT);
    queues.startable(endpoint -> false);
    assertThat(queues.saturated()).containsExactly("hung");
    assertThat(queues.room()).as("the hung endpoint's two requests take two of four").isEqualTo(MAX_IN_FLIGHT - PER_ENDPOINT);
    holdAll("other", 1);
    assertThat(queues.room()).isEqualTo(MAX_IN_FLIGHT - PER_ENDPOINT - 1);
    assertThat(queues.saturated()).isEqualTo(Set.of("hung"));
  }

  @Test
  @DisplayName("dropQueued lets go of what waits and keeps what is under way until it is recorded")
  void dropQueued() {
    holdAll("a", 3);
    List<ClaimedDelivery> started = queues.startable(endpoint -> false);
    queues.dropQueued();
    assertThat(queues.isEmpty()).isFalse();
    started.forEach(delivery -> {
      queues.answered(delivery);
      queues.recorded(delivery);
    });
    assertThat(queues.isEmpty()).isTrue();
    assertThat(queues.room()).isEqualTo(MAX_IN_FLIGHT);
    assertThat(queues.saturated()).isEmpty();
  }

  private void holdAll(String endpoint, int count) {
    for (int i = 0; i < count; i++) {
      queues.hold(delivery(endpoint + i, endpoint));
    }
  }

  private static ClaimedDelivery delivery(String id, String endpoint) {
    return new ClaimedDelivery("proj_1", id, endpoint, null, null, "page_view", 0, RetryConfig.DEFAULT, null, null);
  }

  private static List<String> ids(List<ClaimedDelivery> deliveries) {
    return deliveries.stream().map(ClaimedDelivery::id).toList();
  }
}

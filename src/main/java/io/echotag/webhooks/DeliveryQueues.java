package io.echotag.webhooks;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * What the delivery engine holds: every delivery leased to it (claimed or handed over) from the
 * moment it is held until its attempt is recorded, queued per endpoint until it may start. It
 * bounds what starts — {@code per_endpoint_in_flight} requests per endpoint (one while its circuit
 * is half-open), {@code max_in_flight} deliveries under way (sent or being recorded) — and what
 * a hand-over may add ({@link #HELD_MAX_MULTIPLE}). Freed slots go round the endpoints.
 *
 * <p>Plain logic, confined to the engine's event loop.
 */
final class DeliveryQueues {
  /**
   * Hand-overs are held up to this many times {@code max_in_flight} deliveries on the node and
   * {@code per_endpoint_in_flight} per endpoint; beyond it they are given back, and a given-back
   * delivery waits for a sweep that leaves its endpoint out while it stays saturated. So the
   * hold is deep enough to ride out a receiver's (or the machine's) slow moment under a steady
   * stream: with 4 it was 128 deliveries at the default 32, an eighth of a second at 1,000
   * events/s, and the bench's given-back deliveries waited seconds. A hung endpoint does not keep
   * its queue until the leases run out: after five timeouts in a row its circuit opens and what
   * it holds is postponed.
   */
  static final int HELD_MAX_MULTIPLE = 16;

  private final int maxInFlight;
  private final int perEndpointInFlight;
  /** Ids of every held delivery until its attempt is recorded. */
  private final Set<String> held = new HashSet<>();
  /** Per endpoint: held deliveries not yet answered (queued or being sent). */
  private final Map<String, Integer> perEndpoint = new HashMap<>();
  /** Per endpoint: requests under way. */
  private final Map<String, Integer> sendingTo = new HashMap<>();
  /** Endpoints in the order they last started a delivery, least recent first. */
  private final Map<String, ArrayDeque<ClaimedDelivery>> queues = new LinkedHashMap<>();
  /** Deliveries started and not yet recorded. */
  private int underWay;

  DeliveryQueues(int maxInFlight, int perEndpointInFlight) {
    this.maxInFlight = maxInFlight;
    this.perEndpointInFlight = perEndpointInFlight;
  }

  /**
   * Queues {@code delivery} on its endpoint, unless it is held already: claimed again because its
   * lease ran out while this node still holds it (a request may outlast {@code lease_seconds}).
   * Sending it again would send it twice, and the older attempt's late result would overwrite the
   * newer one's.
   */
  void hold(ClaimedDelivery delivery) {
    if (!held.add(delivery.id())) {
      return;
    }
    perEndpoint.merge(delivery.endpoint(), 1, Integer::sum);
    queues.computeIfAbsent(delivery.endpoint(), k -> new ArrayDeque<>()).add(delivery);
  }

  /** Whether a hand-over to {@code endpoint} may be held: the node and the endpoint are under their hold limits. */
  boolean mayHold(String endpoint) {
    return held.size() < HELD_MAX_MULTIPLE * maxInFlight
        && perEndpoint.getOrDefault(endpoint, 0) < HELD_MAX_MULTIPLE * perEndpointInFlight;
  }

  /**
   * How many deliveries the sweep may claim: {@code max_in_flight} less those held, not counting
   * the ones queued beyond their endpoint's own cap. The sweep leaves a saturated endpoint out
   * anyway ({@link #saturated()}), and its queue (hand-overs fill it up to the hold limit) must not
   * hold back the others.
   */
  int room() {
    int queuedBeyondCap = 0;
    for (int count : perEndpoint.values()) {
      queuedBeyondCap += Math.max(0, count - perEndpointInFlight);
    }
    return maxInFlight - held.size() + queuedBeyondCap;
  }

  /** Endpoints with {@code per_endpoint_in_flight} or more held deliveries not yet answered. */
  Set<String> saturated() {
    Set<String> saturated = new HashSet<>();
    perEndpoint.forEach((endpoint, count) -> {
      if (count >= perEndpointInFlight) {
        saturated.add(endpoint);
      }
    });
    return saturated;
  }

  /** Requests under way per endpoint (read-only). */
  Map<String, Integer> sendingTo() {
    return Collections.unmodifiableMap(sendingTo);
  }

  /**
   * Takes the queued deliveries that may start now and counts them as started. An endpoint that
   * starts one goes to the back of the order, so that while {@code max_in_flight} is the limit,
   * freed slots go round the endpoints instead of to the first ones.
   */
  List<ClaimedDelivery> startable(Predicate<String> halfOpen) {
    List<ClaimedDelivery> start = new ArrayList<>();
    for (String endpoint : List.copyOf(queues.keySet())) {
      if (underWay >= maxInFlight) {
        break;
      }
      int cap = halfOpen.test(endpoint) ? 1 : perEndpointInFlight;
      ArrayDeque<ClaimedDelivery> queue = queues.get(endpoint);
      boolean started = false;
      while (!queue.isEmpty() && sendingTo.getOrDefault(endpoint, 0) < cap && underWay < maxInFlight) {
        start.add(queue.poll());
        sendingTo.merge(endpoint, 1, Integer::sum);
        underWay++;
        started = true;
      }
      if (started || queue.isEmpty()) {
        queues.remove(endpoint);
        if (!queue.isEmpty()) {
          queues.put(endpoint, queue);
        }
      }
    }
    return start;
  }

  /** The endpoint answered (or refused) a started delivery: its slot is free; the attempt is still being recorded. */
  void answered(ClaimedDelivery delivery) {
    decrement(sendingTo, delivery.endpoint());
    decrement(perEndpoint, delivery.endpoint());
  }

  /** A started delivery's attempt is recorded (or could not be): it is no longer held. */
  void recorded(ClaimedDelivery delivery) {
    held.remove(delivery.id());
    underWay--;
  }

  /** Lets go of every queued delivery (the engine stops; their leases are given back with the rest). */
  void dropQueued() {
    queues.values().forEach(queue -> queue.forEach(delivery -> {
      held.remove(delivery.id());
      decrement(perEndpoint, delivery.endpoint());
    }));
    queues.clear();
  }

  boolean isEmpty() {
    return held.isEmpty();
  }

  private static void decrement(Map<String, Integer> counts, String endpoint) {
    counts.computeIfPresent(endpoint, (k, n) -> n <= 1 ? null : n - 1);
  }
}

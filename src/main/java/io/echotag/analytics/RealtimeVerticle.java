package io.echotag.analytics;

import io.echotag.Services;
import io.echotag.bus.Addresses;
import io.echotag.common.Ids;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Realtime counters, built for a cluster from the start:
 *
 * <ol>
 *   <li>events this node committed ({@link Addresses#EVENTS}, consumed <em>locally</em>: in a
 *   cluster every node would otherwise count every commit) are folded into per-second deltas,
 *   published cluster-wide on {@link Addresses#REALTIME_DELTAS} once their second is over, and
 *   published at once, per project, on {@link Addresses#REALTIME_EVENTS} for live streams;</li>
 *   <li>every node's deltas (its own included) are merged into this node's per-project
 *   {@link RealtimeWindow}s; every node's live events go into the project's {@link EventRing};</li>
 *   <li>for projects with SSE clients on this node, and only for those, a snapshot is published
 *   node-locally on {@code echotag.realtime.<project_id>} every {@code realtime.snapshot_interval_ms},
 *   and live events on {@code echotag.realtime-live.<project_id>} as they arrive.</li>
 * </ol>
 *
 * Counters are thus at most about a second behind, and no node has to see every event.
 */
public final class RealtimeVerticle extends VerticleBase {
  /** How long after a second boundary its deltas are flushed (lets late commits of that second land). */
  static final long FLUSH_DELAY_MS = 5;
  static final long FORGET_INTERVAL_MS = 60_000;
  static final String PUBLISHED_NS = "published-ns";

  private final Services services;
  private final String node = Ids.next("node_");
  private RealtimeHub hub;
  private DeltaAccumulator accumulator;
  private final List<MessageConsumer<?>> consumers = new ArrayList<>();
  private final DeliveryOptions local = new DeliveryOptions().setLocalOnly(true);

  public RealtimeVerticle(Services services) {
    this.services = services;
  }

  @Override
  public Future<?> start() {
    hub = RealtimeHub.of(vertx, services);
    accumulator = new DeltaAccumulator(hub.config().exactVisitors());
    consumers.add(vertx.eventBus().<JsonArray>localConsumer(Addresses.EVENTS, m -> committed(m.body())));
    consumers.add(vertx.eventBus().<JsonObject>consumer(Addresses.REALTIME_DELTAS, m -> merge(m.body())));
    consumers.add(vertx.eventBus().<JsonObject>consumer(Addresses.REALTIME_EVENTS, m -> live(m.body())));
    scheduleFlush();
    vertx.setPeriodic(hub.config().snapshotIntervalMs(), id -> publishSnapshots());
    vertx.setPeriodic(FORGET_INTERVAL_MS, id -> hub.forgetIdle());
    hub.running(true);
    return Future.all(consumers.stream().map(MessageConsumer::completion).toList());
  }

  @Override
  public Future<?> stop() {
    hub.running(false);
    flush(Long.MAX_VALUE);
    return Future.succeededFuture();
  }

  private void committed(JsonArray batch) {
    long now = System.currentTimeMillis();
    Map<String, JsonArray> byProject = new LinkedHashMap<>();
    for (Object item : batch) {
      JsonObject json = (JsonObject) item;
      String projectId = json.getString("project_id");
      RealtimeEvent event = RealtimeCodec.event(json, now);
      accumulator.add(projectId, event, now);
      byProject.computeIfAbsent(projectId, p -> new JsonArray()).add(RealtimeCodec.event(event));
    }
    byProject.forEach((projectId, events) -> vertx.eventBus().publish(Addresses.REALTIME_EVENTS,
        new JsonObject().put("project_id", projectId).put("events", events)));
  }

  /** Another node's (or this node's) live events: into the ring, then to this node's streams. */
  private void live(JsonObject body) {
    String projectId = body.getString("project_id");
    EventRing ring = hub.ring(projectId);
    JsonArray frames = new JsonArray();
    for (Object item : body.getJsonArray("events")) {
      RealtimeEvent event = RealtimeCodec.event((JsonObject) item);
      EventRing.Entry entry = ring.append(event);
      frames.add(new JsonObject().put("seq", entry.seq()).put("id", event.id()).put("event_type", event.eventType())
          .put("frame", RealtimeCodec.frame(event.id(), "event", event.json())));
    }
    if (hub.listened(projectId)) {
      vertx.eventBus().publish(Addresses.REALTIME_LIVE_PREFIX + projectId, frames, local);
    }
  }

  private void merge(JsonObject body) {
    int exactBound = hub.config().exactVisitors();
    for (Object item : body.getJsonArray("deltas")) {
      SecondDelta delta = RealtimeCodec.delta((JsonObject) item, exactBound);
      hub.window(delta.projectId()).add(delta);
    }
  }

  private void scheduleFlush() {
    long now = System.currentTimeMillis();
    long next = (Math.floorDiv(now, 1000) + 1) * 1000 + FLUSH_DELAY_MS;
    vertx.setTimer(next - now, id -> {
      flush(Math.floorDiv(System.currentTimeMillis(), 1000));
      scheduleFlush();
    });
  }

  private void flush(long beforeSecond) {
    List<SecondDelta> deltas = accumulator.drainBefore(beforeSecond);
    if (deltas.isEmpty()) {
      return;
    }
    JsonArray json = new JsonArray();
    deltas.forEach(d -> json.add(RealtimeCodec.delta(d)));
    vertx.eventBus().publish(Addresses.REALTIME_DELTAS, new JsonObject().put("node", node).put("deltas", json));
  }

  private void publishSnapshots() {
    for (String projectId : hub.listenedProjects()) {
      JsonObject snapshot = RealtimeCodec.snapshot(hub.snapshot(projectId));
      DeliveryOptions options = new DeliveryOptions().setLocalOnly(true)
          .addHeader(PUBLISHED_NS, Long.toString(System.nanoTime()));
      vertx.eventBus().publish(Addresses.REALTIME_PREFIX + projectId, snapshot, options);
    }
  }
}

package io.echotag.analytics;

import io.echotag.Services;
import io.echotag.config.EchoTagConfig;
import io.echotag.metrics.Meters;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.Shareable;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * The realtime state one process shares between its realtime verticle (which writes it) and its
 * HTTP event loops (which read it): the per-project windows and replay rings, and how many SSE
 * clients of each project are connected to this node — snapshots and live events are only
 * published for projects that have some. One per Vert.x instance ({@link #of}).
 */
final class RealtimeHub implements Shareable {
  private static final String MAP = "echotag.realtime";

  private final EchoTagConfig.Realtime config;
  private final LongSupplier clock;
  private final Map<String, RealtimeWindow> windows = new ConcurrentHashMap<>();
  private final Map<String, EventRing> rings = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> subscribers = new ConcurrentHashMap<>();
  private final AtomicInteger totalSubscribers = new AtomicInteger();
  private final Timer fanout;
  private final Counter slowClosed;
  private volatile boolean running;

  private RealtimeHub(Services services) {
    this.config = services.config().realtime();
    this.clock = System::currentTimeMillis;
    var registry = services.meters().registry();
    Gauge.builder(Meters.SSE_SUBSCRIBERS, totalSubscribers, AtomicInteger::get)
        .description("Realtime SSE connections open on this node").register(registry);
    this.fanout = Timer.builder(Meters.SNAPSHOT_FANOUT)
        .description("From a realtime snapshot's publish to its write reaching an SSE client's socket")
        .publishPercentileHistogram().register(registry);
    this.slowClosed = Counter.builder(Meters.SSE_SLOW_CLOSED)
        .description("SSE connections closed because their unflushed backlog passed realtime.max_backlog_bytes")
        .register(registry);
  }

  /** The hub of this Vert.x instance, created on first use. */
  static RealtimeHub of(Vertx vertx, Services services) {
    return (RealtimeHub) vertx.sharedData().<String, Shareable>getLocalMap(MAP)
        .computeIfAbsent("hub", k -> new RealtimeHub(services));
  }

  EchoTagConfig.Realtime config() {
    return config;
  }

  /** Whether a realtime verticle runs in this process (the windows are fed). */
  boolean running() {
    return running;
  }

  void running(boolean running) {
    this.running = running;
  }

  RealtimeWindow window(String projectId) {
    return windows.computeIfAbsent(projectId, id -> new RealtimeWindow(id, clock, config.exactVisitors()));
  }

  /** The project's snapshot now; an empty one when nothing arrived for it. */
  RealtimeSnapshot snapshot(String projectId) {
    RealtimeWindow window = windows.get(projectId);
    return window != null ? window.snapshot()
        : new RealtimeSnapshot(projectId, clock.getAsLong(), 0, 0, 0.0, List.of(), List.of(), List.of());
  }

  EventRing ring(String projectId) {
    return rings.computeIfAbsent(projectId, id -> new EventRing(config.replayEvents()));
  }

  void subscribe(String projectId) {
    subscribers.computeIfAbsent(projectId, id -> new AtomicInteger()).incrementAndGet();
    totalSubscribers.incrementAndGet();
  }

  void unsubscribe(String projectId) {
    subscribers.computeIfPresent(projectId, (id, n) -> n.decrementAndGet() <= 0 ? null : n);
    totalSubscribers.decrementAndGet();
  }

  boolean listened(String projectId) {
    AtomicInteger n = subscribers.get(projectId);
    return n != null && n.get() > 0;
  }

  /** Projects with at least one SSE client on this node. */
  Iterable<String> listenedProjects() {
    return subscribers.keySet();
  }

  /** Forgets the windows and rings of projects idle for longer than the longest window and unwatched. */
  void forgetIdle() {
    for (RealtimeWindow window : windows.values()) {
      if (window.idle() && !listened(window.projectId())) {
        windows.remove(window.projectId());
        rings.remove(window.projectId());
      }
    }
  }

  Timer fanout() {
    return fanout;
  }

  Counter slowClosed() {
    return slowClosed;
  }
}

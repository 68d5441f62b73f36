package io.echotag.analytics;

import io.echotag.bus.Addresses;
import io.netty.buffer.Unpooled;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The realtime streams of one HTTP event loop, grouped by project: one pair of bus consumers
 * (snapshots, live events) per project with streams here, registered with the first stream and
 * unregistered with the last, and each message encoded once for all of the group's streams.
 * Confined to its event loop (one per {@code HttpVerticle} instance).
 */
final class SseFanout {
  /** The streams of one project on this event loop, and the stream position they have all passed. */
  private final class Group {
    final String projectId;
    final Set<SseStream> streams = new LinkedHashSet<>();
    final MessageConsumer<JsonObject> snapshots;
    final MessageConsumer<JsonArray> live;
    EventRing.Position position;

    Group(String projectId) {
      this.projectId = projectId;
      this.snapshots = vertx.eventBus().localConsumer(Addresses.REALTIME_PREFIX + projectId,
          this::snapshot);
      this.live = vertx.eventBus().localConsumer(Addresses.REALTIME_LIVE_PREFIX + projectId,
          this::live);
      // Read after registering: whatever is appended later reaches this group live.
      this.position = hub.ring(projectId).head();
    }

    void snapshot(Message<JsonObject> message) {
      String publishedNs = message.headers().get(RealtimeVerticle.PUBLISHED_NS);
      long published = publishedNs == null ? 0 : Long.parseLong(publishedNs);
      if (published != 0 && System.nanoTime() - published > staleNanos) {
        // This loop is behind by more than an interval: a newer snapshot is already queued.
        return;
      }
      Buffer frame = shared(RealtimeCodec.frame(position.id(), "snapshot", message.body().encode()));
      for (SseStream stream : streams.toArray(SseStream[]::new)) {
        stream.sendSnapshot(frame, published);
      }
    }

    void live(Message<JsonArray> message) {
      SseStream[] targets = streams.toArray(SseStream[]::new);
      for (Object item : message.body()) {
        JsonObject event = (JsonObject) item;
        long seq = event.getLong("seq");
        if (seq > position.seq()) {
          position = new EventRing.Position(seq, event.getString("id"));
        }
        String type = event.getString("event_type");
        Buffer frame = null;
        for (SseStream stream : targets) {
          if (stream.wants(seq, type)) {
            frame = frame != null ? frame : shared(event.getString("frame"));
            stream.send(frame, 0);
          }
        }
      }
    }
  }

  private final Vertx vertx;
  private final RealtimeHub hub;
  private final Map<String, Group> groups = new HashMap<>();
  private final long staleNanos;

  SseFanout(Vertx vertx, RealtimeHub hub) {
    this.vertx = vertx;
    this.hub = hub;
    this.staleNanos = TimeUnit.MILLISECONDS.toNanos(hub.config().snapshotIntervalMs());
  }

  /**
   * Adds {@code stream} and sends its first messages: the events it missed since
   * {@code lastEventId} (when it asked for events and gave one), then a snapshot at once.
   */
  void join(SseStream stream, String lastEventId) {
    String projectId = stream.projectId();
    hub.subscribe(projectId);
    groups.computeIfAbsent(projectId, Group::new).streams.add(stream);
    EventRing ring = hub.ring(projectId);
    EventRing.Position head = ring.head();
    String position = head.id();
    if (lastEventId != null && stream.includeEvents()) {
      List<EventRing.Entry> missed = ring.after(lastEventId);
      for (EventRing.Entry entry : missed) {
        if (stream.accepts(entry.event().eventType())) {
          stream.send(Buffer.buffer(RealtimeCodec.frame(entry.event().id(), "event", entry.event().json())), 0);
        }
        stream.caughtUpTo(entry.seq());
        position = entry.event().id();
      }
    }
    stream.caughtUpTo(head.seq());
    JsonObject snapshot = RealtimeCodec.snapshot(hub.snapshot(projectId));
    stream.send(Buffer.buffer(RealtimeCodec.frame(position, "snapshot", snapshot.encode())), 0);
  }

  /**
   * A frame written to many sockets, in off-heap memory: Netty writes it as it is, where a heap
   * buffer would be copied off-heap once per socket. Freed by the garbage collector with its
   * {@link ByteBuffer}.
   */
  private static Buffer shared(String frame) {
    byte[] bytes = frame.getBytes(StandardCharsets.UTF_8);
    ByteBuffer direct = ByteBuffer.allocateDirect(bytes.length).put(bytes).flip();
    return BufferInternal.buffer(Unpooled.wrappedBuffer(direct));
  }

  void leave(SseStream stream) {
    Group group = groups.get(stream.projectId());
    if (group == null || !group.streams.remove(stream)) {
      return;
    }
    hub.unsubscribe(stream.projectId());
    if (group.streams.isEmpty()) {
      groups.remove(group.projectId);
      group.snapshots.unregister();
      group.live.unregister();
    }
  }
}

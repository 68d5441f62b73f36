package io.echotag.analytics;

import io.echotag.common.Times;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * JSON forms of the realtime values: committed events in, deltas on the bus (they cross nodes,
 * so plain JSON rather than a codec), snapshots and SSE frames out.
 */
final class RealtimeCodec {
  private RealtimeCodec() {
  }

  /** The realtime view of a committed event (the API's event object), received at {@code nowMillis}. */
  static RealtimeEvent event(JsonObject event, long nowMillis) {
    String type = event.getString("event_type");
    String url = null;
    if ("page_view".equals(type) && event.getValue("data") instanceof JsonObject data
        && data.getValue("url") instanceof String u) {
      url = u;
    }
    return new RealtimeEvent(event.getString("id"), type, event.getString("visitor_id"), url, nowMillis,
        event.encode());
  }

  static JsonObject event(RealtimeEvent event) {
    return new JsonObject().put("id", event.id()).put("event_type", event.eventType())
        .put("visitor_id", event.visitorId()).put("url", event.url()).put("received_ms", event.receivedAt())
        .put("json", event.json());
  }

  static RealtimeEvent event(JsonObject json) {
    return new RealtimeEvent(json.getString("id"), json.getString("event_type"), json.getString("visitor_id"),
        json.getString("url"), json.getLong("received_ms", 0L), json.getString("json"));
  }

  static JsonObject delta(SecondDelta delta) {
    JsonObject json = new JsonObject()
        .put("project_id", delta.projectId())
        .put("second", delta.second())
        .put("count", delta.count())
        .put("by_type", new JsonObject(new HashMap<>(delta.byType())))
        .put("pages", new JsonObject(new HashMap<>(delta.pages())));
    VisitorSet visitors = delta.visitors();
    if (visitors.isExact()) {
      json.put("visitors", new JsonArray(new ArrayList<>(visitors.ids())));
    } else {
      json.put("visitors_sketch", Base64.getEncoder().encodeToString(visitors.sketch().toBytes()));
    }
    JsonArray recent = new JsonArray();
    delta.recent().forEach(e -> recent.add(event(e)));
    return json.put("recent", recent);
  }

  static SecondDelta delta(JsonObject json, int exactBound) {
    String sketch = json.getString("visitors_sketch");
    VisitorSet visitors;
    if (sketch != null) {
      visitors = VisitorSet.sketched(exactBound, HyperLogLog.fromBytes(Base64.getDecoder().decode(sketch)));
    } else {
      List<String> ids = new ArrayList<>();
      json.getJsonArray("visitors", new JsonArray()).forEach(id -> ids.add((String) id));
      visitors = VisitorSet.exact(exactBound, ids);
    }
    List<RealtimeEvent> recent = new ArrayList<>();
    json.getJsonArray("recent", new JsonArray()).forEach(e -> recent.add(event((JsonObject) e)));
    return new SecondDelta(json.getString("project_id"), json.getLong("second"), json.getLong("count"),
        counts(json.getJsonObject("by_type")), counts(json.getJsonObject("pages")), visitors, recent);
  }

  /** The API's realtime object. */
  static JsonObject snapshot(RealtimeSnapshot snapshot) {
    JsonArray byType = new JsonArray();
    snapshot.byType().forEach(c -> byType.add(new JsonObject().put("event_type", c.key()).put("count", c.count())));
    JsonArray pages = new JsonArray();
    snapshot.topPages().forEach(c -> pages.add(new JsonObject().put("url", c.key()).put("views", c.count())));
    JsonArray recent = new JsonArray();
    snapshot.recentEvents().forEach(e -> recent.add(new JsonObject(e.json())));
    return new JsonObject()
        .put("project_id", snapshot.projectId())
        .put("timestamp", Times.format(Instant.ofEpochMilli(snapshot.timestamp())))
        .put("active_visitors", snapshot.activeVisitors())
        .put("events_last_minute", snapshot.eventsLastMinute())
        .put("events_per_second", snapshot.eventsPerSecond())
        .put("by_type", byType)
        .put("top_pages", pages)
        .put("recent_events", recent);
  }

  /** One SSE message: {@code id}, {@code event} and the one-line JSON {@code data}, then the blank line. */
  static String frame(String id, String event, String data) {
    return "id: " + id + "\nevent: " + event + "\ndata: " + data + "\n\n";
  }

  private static Map<String, Long> counts(JsonObject json) {
    Map<String, Long> counts = new HashMap<>();
    if (json != null) {
      json.forEach(e -> counts.put(e.getKey(), ((Number) e.getValue()).longValue()));
    }
    return counts;
  }
}

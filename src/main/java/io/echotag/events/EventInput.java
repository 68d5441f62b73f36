package io.echotag.events;

import io.echotag.common.Times;
import io.vertx.core.json.JsonObject;

import java.time.Instant;

/**
 * A validated event waiting for its group commit. {@code depth} counts the triggers that led to a
 * derived event (0 for tracked events) and {@code sourceTriggerId} names the trigger that emitted
 * it, so that a trigger never fires from its own derived event and chains stop. {@code id} is assigned before the commit so
 * that idempotency keys can point at it; {@code sessionId} is the client's, or null for the
 * server to assign.
 */
record EventInput(String id, String projectId, String eventType, String visitorId, String sessionId,
                  JsonObject data, Instant timestamp, Instant receivedAt, String idempotencyKey,
                  long sessionTimeoutMs, int depth, String sourceTriggerId) {

  /** The event object of the API, with the session the commit assigned. */
  JsonObject toJson(String assignedSessionId) {
    return new JsonObject()
        .put("id", id)
        .put("project_id", projectId)
        .put("event_type", eventType)
        .put("visitor_id", visitorId)
        .put("session_id", assignedSessionId)
        .put("data", data)
        .put("timestamp", Times.format(timestamp))
        .put("received_at", Times.format(receivedAt));
  }

  String dataString(String field) {
    return data.getValue(field) instanceof String s ? s : null;
  }
}

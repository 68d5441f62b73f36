package io.echotag.triggers;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;

import java.time.Instant;

/** A stored trigger with its conditions compiled, as the engine evaluates it. */
record Trigger(String projectId, String id, String name, String eventType, Conditions conditions, JsonArray actions,
               long frequencyCapMs, boolean active, Instant createdAt) {

  static Trigger from(Row row) {
    JsonObject cap = row.getJsonObject("frequency_cap");
    Object actions = row.getValue("actions");
    return new Trigger(row.getString("project_id"), row.getString("id"), row.getString("name"),
        row.getString("event_type"), Conditions.parse(row.getJsonObject("conditions")),
        actions instanceof JsonArray array ? array : new JsonArray(),
        cap == null ? 0 : cap.getLong("per_visitor_ms", 0L), row.getBoolean("is_active"),
        row.getOffsetDateTime("created_at").toInstant());
  }

  /**
   * Whether this trigger acts on an event of this type whose work was queued at {@code queuedAt}
   * by a derivation of {@code sourceTriggerId} (null for client events). A trigger created after
   * the event was committed does not act on it: the outbox row said which triggers existed then.
   */
  boolean listensFor(String eventType, String sourceTriggerId, Instant queuedAt) {
    return active && ("*".equals(this.eventType) || this.eventType.equals(eventType))
        && !id.equals(sourceTriggerId) && !createdAt.isAfter(queuedAt);
  }

  JsonObject templateView() {
    return new JsonObject().put("id", id).put("name", name);
  }
}

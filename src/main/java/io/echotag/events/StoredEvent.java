package io.echotag.events;

import io.vertx.core.json.JsonObject;

/** The outcome of one event's ingest: the stored event, and whether this call created it (false: an idempotent repeat). */
record StoredEvent(JsonObject event, boolean created) {
}

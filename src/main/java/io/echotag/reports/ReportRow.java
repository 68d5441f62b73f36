package io.echotag.reports;

import io.vertx.core.json.JsonObject;

import java.time.Instant;

/**
 * One streamed event as the aggregations see it: the event in its API shape, its time, whether it
 * passes the report's {@code filters}, the visitor's context for conditions, and the visitor's
 * first-seen time (retention only; null otherwise).
 */
record ReportRow(JsonObject event, Instant timestamp, boolean passes, JsonObject visitor, Instant firstSeen) {
}

package io.echotag.events;

import io.echotag.common.Times;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;

/** Maps {@code events} rows to the API's event object. */
final class EventRows {
  static final String COLUMNS = "project_id, id, event_type, visitor_id, session_id, data, \"timestamp\", received_at";

  private EventRows() {
  }

  static JsonObject json(Row row) {
    return new JsonObject()
        .put("id", row.getString("id"))
        .put("project_id", row.getString("project_id"))
        .put("event_type", row.getString("event_type"))
        .put("visitor_id", row.getString("visitor_id"))
        .put("session_id", row.getString("session_id"))
        .put("data", row.getJsonObject("data"))
        .put("timestamp", Times.format(row.getOffsetDateTime("timestamp")))
        .put("received_at", Times.format(row.getOffsetDateTime("received_at")));
  }
}

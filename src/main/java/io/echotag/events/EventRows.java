package io.echotag.events;

import io.echotag.common.Times;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;

/** Maps {@code events} rows to the API's event object. */
public final class EventRows {
  static final String COLUMNS = "project_id, id, event_type, visitor_id, session_id, data, \"timestamp\", received_at";

  /** What an event caused: its trigger executions and every delivery for it (subscriptions and actions). */
  static final String CAUSED = "SELECT "
      + "COALESCE((SELECT jsonb_agg(jsonb_build_object('id', x.id, 'trigger_id', x.trigger_id, 'status', x.status) "
      + "ORDER BY x.created_at) FROM executions x WHERE x.project_id = $1 AND x.event_id = $2), '[]') AS executions, "
      + "COALESCE((SELECT jsonb_agg(jsonb_build_object('id', d.id, 'webhook_id', d.webhook_id, 'integration_id', "
      + "d.integration_id, 'execution_id', d.execution_id, 'status', d.status, 'attempts', d.attempts) "
      + "ORDER BY d.created_at) FROM deliveries d WHERE d.project_id = $1 AND d.event_id = $2), '[]') AS deliveries";

  private EventRows() {
  }

  /** The API's event object from a row holding the event columns. */
  public static JsonObject json(Row row) {
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

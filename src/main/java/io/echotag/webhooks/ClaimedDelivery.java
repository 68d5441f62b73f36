package io.echotag.webhooks;

import io.echotag.common.Times;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * A claimed delivery and the request it becomes. Subscription deliveries are built from the
 * webhook and the stored event; trigger deliveries carry their own request; integration
 * deliveries take URL, headers and signing secret from the integration.
 */
record ClaimedDelivery(String projectId, String id, String endpoint, String webhookId, String eventId,
                       String eventType, int attempts, RetryConfig retry, DeliverySender.Request request,
                       String unsendable) {

  static ClaimedDelivery from(Row row) {
    String id = row.getString("id");
    RetryConfig retry = row.getJsonObject("w_retry") == null ? RetryConfig.DEFAULT
        : RetryConfig.from(row.getJsonObject("w_retry"), RetryConfig.DEFAULT);
    String unsendable = null;
    DeliverySender.Request request = null;
    String webhookId = row.getString("webhook_id");
    String integrationId = row.getString("integration_id");
    if (webhookId != null && row.getString("w_url") == null) {
      unsendable = "webhook " + webhookId + " was deleted";
    } else if (webhookId != null && !row.getBoolean("w_active")) {
      unsendable = "webhook " + webhookId + " is inactive";
    } else if (integrationId != null && row.getString("i_type") == null) {
      unsendable = "integration " + integrationId + " was deleted";
    } else if (integrationId != null && !row.getBoolean("i_active")) {
      unsendable = "integration " + integrationId + " is inactive";
    } else if (integrationId != null) {
      request = integrationRequest(id, row);
    } else if (row.getString("url") != null) {
      request = new DeliverySender.Request(id, row.getString("url"), row.getString("method"),
          row.getJsonObject("headers"), row.getString("body"), secrets(row));
    } else if (row.getString("e_event_type") == null) {
      unsendable = "event " + row.getString("event_id") + " no longer exists (erased)";
    } else {
      request = new DeliverySender.Request(id, row.getString("w_url"), row.getString("w_method"),
          row.getJsonObject("w_headers"), payload(row).encode(), secrets(row));
    }
    return new ClaimedDelivery(row.getString("project_id"), id, row.getString("endpoint"), webhookId,
        row.getString("event_id"), row.getString("event_type"), row.getInteger("attempts"), retry, request,
        unsendable);
  }

  /** The subscription payload: {@code {"id", "type", "created_at", "project_id", "data": <event>}}. */
  static JsonObject payload(Row row) {
    JsonObject event = new JsonObject()
        .put("id", row.getString("event_id"))
        .put("project_id", row.getString("project_id"))
        .put("event_type", row.getString("e_event_type"))
        .put("visitor_id", row.getString("e_visitor_id"))
        .put("session_id", row.getString("e_session_id"))
        .put("data", row.getJsonObject("e_data"))
        .put("timestamp", Times.format(row.getOffsetDateTime("e_timestamp")))
        .put("received_at", Times.format(row.getOffsetDateTime("e_received_at")));
    return new JsonObject()
        .put("id", row.getString("id"))
        .put("type", row.getString("e_event_type"))
        .put("created_at", Times.format(row.getOffsetDateTime("created_at")))
        .put("project_id", row.getString("project_id"))
        .put("data", event);
  }

  private static DeliverySender.Request integrationRequest(String id, Row row) {
    JsonObject config = row.getJsonObject("i_config");
    JsonObject headers = new JsonObject();
    String url;
    List<String> secrets = new ArrayList<>();
    if ("slack".equals(row.getString("i_type"))) {
      url = config.getString("webhook_url");
    } else {
      String base = config.getString("base_url", "");
      String path = row.getString("url") == null ? "" : row.getString("url");
      url = base.endsWith("/") && path.startsWith("/") ? base + path.substring(1) : base + path;
      if (config.getJsonObject("headers") != null) {
        headers.mergeIn(config.getJsonObject("headers"));
      }
      if (config.getString("signing_secret") != null) {
        secrets.add(config.getString("signing_secret"));
      }
    }
    if (row.getJsonObject("headers") != null) {
      headers.mergeIn(row.getJsonObject("headers"));
    }
    String method = row.getString("method") == null ? "POST" : row.getString("method");
    return new DeliverySender.Request(id, url, method, headers, row.getString("body"), secrets);
  }

  private static List<String> secrets(Row row) {
    List<String> secrets = new ArrayList<>();
    if (row.getString("w_secret") != null) {
      secrets.add(row.getString("w_secret"));
    }
    OffsetDateTime previousUntil = row.getOffsetDateTime("w_previous_expires");
    if (row.getString("w_previous_secret") != null && previousUntil != null
        && previousUntil.isAfter(OffsetDateTime.now())) {
      secrets.add(row.getString("w_previous_secret"));
    }
    return secrets;
  }
}

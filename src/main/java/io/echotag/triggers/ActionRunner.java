package io.echotag.triggers;

import io.echotag.common.Ids;
import io.echotag.tags.Tags;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.net.URI;

import java.util.Map;

/**
 * Runs an execution's actions in order, inside the transaction that records the execution, so
 * tags, visitor changes and the delivery rows of webhook and integration actions (the outbox)
 * commit together with it. {@code track_event} actions were emitted before the transaction
 * (see {@link TriggerEngine}); their outcome is passed in.
 */
final class ActionRunner {
  static final String INSERT_DELIVERY = "INSERT INTO deliveries (project_id, id, endpoint, webhook_id, integration_id, "
      + "event_id, event_type, execution_id, url, method, headers, body, status, attempts, next_attempt_at, "
      + "created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 'pending', 0, now(), "
      + "now(), now())";

  /** What the actions did, and whether any delivery was queued. */
  record Outcome(JsonArray results, boolean failed, boolean queuedDeliveries) {
  }

  private ActionRunner() {
  }

  static Future<Outcome> run(SqlConnection conn, Trigger trigger, JsonObject event, JsonObject visitor,
                             String executionId, Map<Integer, JsonObject> emitted) {
    TemplateContext ctx = new TemplateContext(event, visitor, trigger.templateView(), executionId);
    JsonArray results = new JsonArray();
    boolean[] flags = new boolean[2];
    Future<Void> chain = Future.succeededFuture();
    for (int i = 0; i < trigger.actions().size(); i++) {
      int index = i;
      JsonObject action = trigger.actions().getJsonObject(i);
      chain = chain.compose(v -> one(conn, trigger, event, ctx, executionId, action, emitted.get(index), index)
          .map(result -> {
            results.add(result);
            flags[0] |= "failed".equals(result.getString("status"));
            flags[1] |= result.getString("delivery_id") != null;
            return null;
          }));
    }
    return chain.map(v -> new Outcome(results, flags[0], flags[1]));
  }

  private static Future<JsonObject> one(SqlConnection conn, Trigger trigger, JsonObject event, TemplateContext ctx,
                                        String executionId, JsonObject action, JsonObject emitted) {
    String type = action.getString("type");
    String project = trigger.projectId();
    String visitorId = event.getString("visitor_id");
    JsonObject result = new JsonObject().put("type", type).put("status", "succeeded").put("error", null);
    Future<JsonObject> done = switch (type) {
      case "add_tag" -> tag(conn, project, action)
          .compose(tagId -> conn.preparedQuery("INSERT INTO visitor_tags (project_id, visitor_id, tag_id, assigned_at) "
                  + "VALUES ($1, $2, $3, now()) ON CONFLICT DO NOTHING").execute(Tuple.of(project, visitorId, tagId)))
          .map(result);
      case "remove_tag" -> tag(conn, project, action)
          .compose(tagId -> conn.preparedQuery("DELETE FROM visitor_tags WHERE project_id = $1 AND visitor_id = $2 "
              + "AND tag_id = $3").execute(Tuple.of(project, visitorId, tagId)))
          .map(result);
      // The JsonObject itself: a String bound to a jsonb parameter is sent as a JSON string.
      case "update_visitor" -> conn.preparedQuery("UPDATE visitors SET traits = traits || $3::jsonb "
              + "WHERE project_id = $1 AND visitor_id = $2")
          .execute(Tuple.of(project, visitorId, Templates.render(action.getJsonObject("traits"), ctx)))
          .map(result);
      case "track_event" -> Future.succeededFuture(emitted == null || emitted.containsKey("error")
          ? result.put("status", "failed").put("error", emitted == null ? "not emitted" : emitted.getString("error"))
          : result.put("event_id", emitted.getString("id")));
      case "webhook" -> webhook(conn, trigger, event, ctx, executionId, action).map(id -> result.put("delivery_id", id));
      case "integration" -> integration(conn, trigger, event, ctx, executionId, action)
          .map(id -> result.put("delivery_id", id));
      default -> Future.succeededFuture(result.put("status", "skipped").put("error", "unknown action type"));
    };
    return done.recover(e -> Future.succeededFuture(result.put("status", "failed").put("error", e.getMessage())));
  }

  /** Each action in a savepoint: a failed action is recorded as failed without aborting the others. */
  private static Future<JsonObject> one(SqlConnection conn, Trigger trigger, JsonObject event, TemplateContext ctx,
                                        String executionId, JsonObject action, JsonObject emitted, int index) {
    return conn.query("SAVEPOINT action").execute()
        .compose(v -> one(conn, trigger, event, ctx, executionId, action, emitted))
        .compose(result -> conn.query("failed".equals(result.getString("status"))
                ? "ROLLBACK TO SAVEPOINT action" : "RELEASE SAVEPOINT action").execute().map(result));
  }

  private static Future<String> tag(SqlConnection conn, String project, JsonObject action) {
    return action.getString("tag_id") != null
        ? Tags.byId(conn, project, action.getString("tag_id")).map(tag -> tag.getString("id"))
        : Tags.ensure(conn, project, action.getString("tag")).map(tag -> tag.getString("id"));
  }

  private static Future<String> webhook(SqlConnection conn, Trigger trigger, JsonObject event, TemplateContext ctx,
                                        String executionId, JsonObject action) {
    String webhookId = action.getString("webhook_id");
    Future<JsonObject> target = webhookId == null ? Future.succeededFuture(null)
        : conn.preparedQuery("SELECT url, method FROM webhooks WHERE project_id = $1 AND id = $2")
            .execute(Tuple.of(trigger.projectId(), webhookId))
            .map(rows -> {
              if (rows.size() == 0) {
                throw new IllegalArgumentException("webhook " + webhookId + " does not exist");
              }
              var row = rows.iterator().next();
              return new JsonObject().put("url", row.getString("url")).put("method", row.getString("method"));
            });
    return target.compose(webhook -> {
      String url = action.getString("url") != null ? action.getString("url") : webhook.getString("url");
      String method = action.getString("method") != null ? action.getString("method").toUpperCase()
          : webhook != null ? webhook.getString("method") : "POST";
      Object headers = Templates.render(action.getJsonObject("headers", new JsonObject()), ctx);
      String endpoint = webhookId != null ? "wh:" + webhookId : "url:" + origin(url);
      return insert(conn, trigger, event, executionId, endpoint, webhookId, null, url, method, (JsonObject) headers,
          body(Templates.render(action.getValue("body"), ctx)));
    });
  }

  private static Future<String> integration(SqlConnection conn, Trigger trigger, JsonObject event,
                                            TemplateContext ctx, String executionId, JsonObject action) {
    String integrationId = action.getString("integration_id");
    return conn.preparedQuery("SELECT type FROM integrations WHERE project_id = $1 AND id = $2")
        .execute(Tuple.of(trigger.projectId(), integrationId))
        .compose(rows -> {
          if (rows.size() == 0) {
            return Future.failedFuture(new IllegalArgumentException("integration " + integrationId + " does not exist"));
          }
          boolean slack = "slack".equals(rows.iterator().next().getString("type"));
          String body = slack
              ? new JsonObject().put("text", String.valueOf(Templates.render(action.getValue("text") != null
                  ? action.getValue("text") : action.getValue("body"), ctx))).encode()
              : body(Templates.render(action.getValue("body"), ctx));
          return insert(conn, trigger, event, executionId, "int:" + integrationId, null, integrationId,
              action.getString("path"), "POST", new JsonObject(), body);
        });
  }

  private static Future<String> insert(SqlConnection conn, Trigger trigger, JsonObject event, String executionId,
                                       String endpoint, String webhookId, String integrationId, String url,
                                       String method, JsonObject headers, String body) {
    String id = Ids.next("del");
    return conn.preparedQuery(INSERT_DELIVERY).execute(Tuple.tuple()
            .addString(trigger.projectId()).addString(id).addString(endpoint).addString(webhookId)
            .addString(integrationId).addString(event.getString("id")).addString(event.getString("event_type"))
            .addString(executionId).addString(url).addString(method).addValue(headers).addString(body))
        .map(id);
  }

  /** A rendered body: JSON as JSON; a plain string is sent as it is. */
  private static String body(Object rendered) {
    if (rendered == null) {
      return "{}";
    }
    if (rendered instanceof String s) {
      return s;
    }
    return rendered instanceof JsonObject o ? o.encode() : rendered instanceof JsonArray a ? a.encode()
        : String.valueOf(rendered);
  }

  private static String origin(String url) {
    URI uri = URI.create(url);
    return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : "");
  }

}

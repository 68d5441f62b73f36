package io.echotag.webhooks;

import io.echotag.common.Ids;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;

/**
 * The {@code test} endpoints of webhooks and integrations: one delivery, stored (held by a
 * lease the engine never claims), sent at once, recorded like any attempt, answered with its outcome.
 */
public final class TestSends {
  private TestSends() {
  }

  public static Future<JsonObject> send(Pool pool, DeliverySender sender, String projectId, String webhookId,
                                        String integrationId, DeliverySender.Request request) {
    String endpoint = webhookId != null ? "wh:" + webhookId : "int:" + integrationId;
    return pool.preparedQuery(WebhookSql.INSERT_TEST_DELIVERY).execute(Tuple.tuple()
            .addString(projectId)
            .addString(request.deliveryId())
            .addString(endpoint)
            .addString(webhookId)
            .addString(integrationId)
            .addString(request.url())
            .addString(request.method())
            .addValue(request.headers())
            .addString(request.body()))
        .compose(v -> sender.send(request))
        .compose(result -> {
          boolean success = result.outcome() == Outcome.SUCCEEDED;
          return pool.preparedQuery(WebhookSql.FINISH_TEST_DELIVERY).execute(Tuple.tuple()
                  .addString(projectId)
                  .addString(Ids.next("att"))
                  .addString(request.deliveryId())
                  .addString(webhookId)
                  .addString(success ? "succeeded" : "failed")
                  .addInteger(result.statusCode())
                  .addInteger((int) result.durationMs())
                  .addString(result.errorCode())
                  .addString(result.error())
                  .addValue(result.request())
                  .addValue(result.response()))
              .map(done -> new JsonObject()
                  .put("success", success)
                  .put("status_code", result.statusCode())
                  .put("duration_ms", result.durationMs())
                  .put("response_body", result.responseBody())
                  .put("error", result.error())
                  .put("error_code", result.errorCode())
                  .put("delivery_id", request.deliveryId()));
        });
  }
}

package io.echotag.integrations;

import io.echotag.common.Times;
import io.echotag.http.ApiError;
import io.echotag.webhooks.AddressGuard;
import io.echotag.webhooks.DeliverySender;
import io.echotag.webhooks.Secrets;
import io.echotag.webhooks.Signer;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The config of each integration type, its validation, and which values are secrets.
 * {@code http}: {@code base_url}, {@code headers} (values are secrets: they carry auth),
 * optional {@code signing_secret} ({@code whsec_…}). {@code slack}: {@code webhook_url} (a secret).
 * A masked value sent back unchanged keeps the stored one.
 */
final class IntegrationConfig {
  static final List<String> TYPES = List.of("http", "slack");

  private IntegrationConfig() {
  }

  static JsonObject validate(String type, JsonObject given, JsonObject current, AddressGuard guard) {
    if (!TYPES.contains(type)) {
      throw ApiError.unprocessable("type", "type must be http or slack");
    }
    JsonObject config = current == null ? new JsonObject() : current.copy();
    if (given != null) {
      for (String key : given.fieldNames()) {
        Object value = given.getValue(key);
        boolean unchanged = value instanceof String s && current != null && Secrets.isMaskOf(s, current.getString(key));
        if (!unchanged) {
          config.put(key, value);
        }
      }
      if (given.getValue("headers") instanceof JsonObject headers && current != null
          && current.getJsonObject("headers") != null) {
        JsonObject merged = new JsonObject();
        for (String name : headers.fieldNames()) {
          Object value = headers.getValue(name);
          String old = current.getJsonObject("headers").getString(name);
          merged.put(name, value instanceof String s && Secrets.isMaskOf(s, old) ? old : value);
        }
        config.put("headers", merged);
      }
    }
    String urlField = type.equals("slack") ? "webhook_url" : "base_url";
    if (!(config.getValue(urlField) instanceof String url)) {
      throw ApiError.unprocessable("config." + urlField, "config." + urlField + " is required");
    }
    String problem = guard.urlProblem(url);
    if (problem != null) {
      throw ApiError.unprocessable("config." + urlField, "config." + problem);
    }
    if (type.equals("http")) {
      Object headers = config.getValue("headers");
      if (headers != null && !(headers instanceof JsonObject h && h.stream().allMatch(e -> e.getValue() instanceof String))) {
        throw ApiError.unprocessable("config.headers", "config.headers must be an object of strings");
      }
      Object secret = config.getValue("signing_secret");
      if (secret != null && !(secret instanceof String s && Signer.isValidSecret(s))) {
        throw ApiError.unprocessable("config.signing_secret", "config.signing_secret must be whsec_ and base64");
      }
    }
    return config;
  }

  static JsonObject masked(String type, JsonObject config) {
    JsonObject out = config.copy();
    if (type.equals("slack")) {
      out.put("webhook_url", Secrets.mask(config.getString("webhook_url")));
      return out;
    }
    if (config.getJsonObject("headers") != null) {
      JsonObject headers = new JsonObject();
      config.getJsonObject("headers").forEach(h -> headers.put(h.getKey(), Secrets.mask(String.valueOf(h.getValue()))));
      out.put("headers", headers);
    }
    if (config.getString("signing_secret") != null) {
      out.put("signing_secret", Secrets.mask(config.getString("signing_secret")));
    }
    return out;
  }

  static DeliverySender.Request testRequest(String deliveryId, String projectId, String type, JsonObject config) {
    if (type.equals("slack")) {
      return new DeliverySender.Request(deliveryId, config.getString("webhook_url"), "POST", new JsonObject(),
          new JsonObject().put("text", "EchoTag test message").encode(), List.of());
    }
    List<String> secrets = new ArrayList<>();
    if (config.getString("signing_secret") != null) {
      secrets.add(config.getString("signing_secret"));
    }
    JsonObject payload = new JsonObject().put("id", deliveryId).put("type", "test_event")
        .put("created_at", Times.format(Instant.now())).put("project_id", projectId)
        .put("data", new JsonObject().put("message", "A test event from EchoTag"));
    JsonObject headers = config.getJsonObject("headers") == null ? new JsonObject() : config.getJsonObject("headers");
    return new DeliverySender.Request(deliveryId, config.getString("base_url"), "POST", headers, payload.encode(),
        secrets);
  }
}

package io.echotag.webhooks;

import io.echotag.http.ApiError;
import io.echotag.http.Bodies;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A webhook definition as a client sends it, validated field by field ({@code 400} for a
 * missing field, {@code 422} naming the path of a bad one). {@code base} supplies the values of
 * fields a {@code PATCH} leaves out; for create and {@code PUT} it holds the defaults.
 */
record WebhookInput(String name, String url, String method, JsonObject headers, List<String> events,
                    boolean active, RetryConfig retry, String secret) {
  static final Set<String> METHODS = Set.of("POST", "PUT", "PATCH");
  static final Pattern EVENT_TYPE = Pattern.compile("\\*|[A-Za-z0-9_.:-]{1,100}");
  static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}");
  static final Set<String> RESERVED_HEADERS = Set.of("content-type", "content-length", "host", "user-agent",
      "webhook-id", "webhook-timestamp", "webhook-signature", "transfer-encoding", "connection");

  static WebhookInput defaults() {
    return new WebhookInput(null, null, "POST", new JsonObject(), List.of("*"), true, RetryConfig.DEFAULT, null);
  }

  /** Reads {@code body} over {@code base}; {@code requireAll} for create and full replace. */
  static WebhookInput read(JsonObject body, WebhookInput base, boolean requireAll, AddressGuard guard) {
    if (requireAll) {
      Bodies.require(body, "name", "url");
    }
    String name = body.containsKey("name") ? Bodies.string(body, "name", 200) : base.name;
    if (name == null) {
      throw ApiError.invalid("name", "name cannot be null");
    }
    String url = body.containsKey("url") ? Bodies.string(body, "url", 2048) : base.url;
    String problem = url == null ? "url cannot be null" : guard.urlProblem(url);
    if (problem != null) {
      throw ApiError.unprocessable("url", problem);
    }
    String method = body.containsKey("method") ? Bodies.string(body, "method", 10) : base.method;
    method = method == null ? "POST" : method.toUpperCase(Locale.ROOT);
    if (!METHODS.contains(method)) {
      throw ApiError.unprocessable("method", "method must be POST, PUT or PATCH");
    }
    JsonObject headers = body.containsKey("headers") ? headers(Bodies.object(body, "headers")) : base.headers;
    List<String> events = body.containsKey("events") ? events(body) : base.events;
    Boolean active = Bodies.bool(body, "is_active");
    RetryConfig retry = body.containsKey("retry_config")
        ? RetryConfig.from(Bodies.object(body, "retry_config"), requireAll ? RetryConfig.DEFAULT : base.retry)
        : base.retry;
    String secret = body.containsKey("secret") ? Bodies.string(body, "secret", 200) : base.secret;
    if (secret != null && !Signer.isValidSecret(secret)) {
      throw ApiError.unprocessable("secret", "secret must be whsec_ followed by the base64 of at least 16 bytes");
    }
    return new WebhookInput(name, url, method, headers, events, active == null ? base.active : active, retry, secret);
  }

  private static JsonObject headers(JsonObject headers) {
    if (headers == null) {
      return new JsonObject();
    }
    for (String name : headers.fieldNames()) {
      if (!HEADER_NAME.matcher(name).matches()) {
        throw ApiError.unprocessable("headers." + name, "headers." + name + ": not a valid header name");
      }
      if (RESERVED_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
        throw ApiError.unprocessable("headers." + name, "headers." + name + ": set by EchoTag, cannot be overridden");
      }
      if (!(headers.getValue(name) instanceof String value) || value.length() > 4096 || value.contains("\n")
          || value.contains("\r")) {
        throw ApiError.unprocessable("headers." + name, "headers." + name + " must be a single-line string");
      }
    }
    return headers;
  }

  private static List<String> events(JsonObject body) {
    JsonArray array = Bodies.array(body, "events");
    if (array == null || array.isEmpty()) {
      throw ApiError.unprocessable("events", "events must list at least one event type, or \"*\" for all");
    }
    for (int i = 0; i < array.size(); i++) {
      if (!(array.getValue(i) instanceof String type) || !EVENT_TYPE.matcher(type).matches()) {
        throw ApiError.unprocessable("events." + i, "events." + i + " must be an event type or \"*\"");
      }
    }
    return array.stream().map(Object::toString).distinct().toList();
  }
}

package io.echotag.webhooks;

import io.echotag.http.ApiError;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

@DisplayName("WebhookInput.read (webhook definition validation)")
class WebhookInputTest {
  static final AddressGuard GUARD = new AddressGuard(false);

  static JsonObject valid() {
    return new JsonObject().put("name", "Orders").put("url", "https://hooks.example.com/echotag");
  }

  static WebhookInput create(JsonObject body) {
    return WebhookInput.read(body, WebhookInput.defaults(), true, GUARD);
  }

  static ApiError refused(JsonObject body) {
    ApiError error = catchThrowableOfType(ApiError.class, () -> create(body));
    assertThat(error).as("%s", body).isNotNull();
    return error;
  }

  static void assertUnprocessable(JsonObject body, String param) {
    ApiError error = refused(body);
    assertThat(error.status()).as("%s", body).isEqualTo(422);
    assertThat(error.param()).as("%s", body).isEqualTo(param);
  }

  @Test
  @DisplayName("a minimal definition takes the documented defaults")
  void defaults() {
    WebhookInput input = create(valid());

    assertThat(input.name()).isEqualTo("Orders");
    assertThat(input.url()).isEqualTo("https://hooks.example.com/echotag");
    assertThat(input.method()).isEqualTo("POST");
    assertThat(input.headers()).isEqualTo(new JsonObject());
    assertThat(input.events()).containsExactly("*");
    assertThat(input.active()).isTrue();
    assertThat(input.retry()).isEqualTo(RetryConfig.DEFAULT);
    assertThat(input.secret()).isNull();
  }

  @Test
  @DisplayName("a full definition is read as given, the method case-insensitively")
  void full() {
    String secret = Signer.newSecret();
    WebhookInput input = create(valid().put("method", "put")
        .put("headers", new JsonObject().put("Authorization", "Bearer x").put("X-Custom", "1"))
        .put("events", new JsonArray().add("purchase").add("page_view").add("purchase"))
        .put("is_active", false)
        .put("retry_config", new JsonObject().put("max_attempts", 5))
        .put("secret", secret));

    assertThat(input.method()).isEqualTo("PUT");
    assertThat(input.headers().getString("Authorization")).isEqualTo("Bearer x");
    assertThat(input.events()).containsExactly("purchase", "page_view");
    assertThat(input.active()).isFalse();
    assertThat(input.retry()).isEqualTo(new RetryConfig(5, 2, 1000, 30_000));
    assertThat(input.secret()).isEqualTo(secret);
  }

  @Test
  @DisplayName("missing name and url are one 400 naming both")
  void missingBoth() {
    ApiError error = refused(new JsonObject());

    assertThat(error.status()).isEqualTo(400);
    assertThat(error.getMessage()).isEqualTo("Missing required fields: name, url");
    assertThat(error.param()).isEqualTo("name,url");
  }

  @Test
  @DisplayName("a missing or empty url alone is a 400 naming url")
  void missingUrl() {
    ApiError error = refused(new JsonObject().put("name", "Orders"));
    assertThat(error.status()).isEqualTo(400);
    assertThat(error.getMessage()).isEqualTo("Missing required fields: url");

    ApiError empty = refused(new JsonObject().put("name", "Orders").put("url", ""));
    assertThat(empty.status()).isEqualTo(400);
    assertThat(empty.getMessage()).isEqualTo("Missing required fields: url");
  }

  @Test
  @DisplayName("a missing name alone is a 400 naming name")
  void missingName() {
    ApiError error = refused(new JsonObject().put("url", "https://hooks.example.com/"));
    assertThat(error.status()).isEqualTo(400);
    assertThat(error.getMessage()).isEqualTo("Missing required fields: name");
    assertThat(error.param()).isEqualTo("name");
  }

  @Test
  @DisplayName("a refused url is a 422 on url")
  void refusedUrl() {
    assertUnprocessable(valid().put("url", "http://169.254.169.254/"), "url");
    assertUnprocessable(valid().put("url", "ftp://example.com/"), "url");
  }

  @ParameterizedTest(name = "method {0} is a 422 on method")
  @DisplayName("a method other than POST, PUT or PATCH is a 422 on method")
  @ValueSource(strings = {"GET", "DELETE", "HEAD", "OPTIONS", "CONNECT", "TRACE", "POST ", "FETCH"})
  void badMethod(String method) {
    assertUnprocessable(valid().put("method", method), "method");
  }

  @ParameterizedTest(name = "header {0} is a 422 on headers.{0}")
  @DisplayName("a header EchoTag sets itself cannot be overridden: 422 on headers.<name>")
  @ValueSource(strings = {"Content-Type", "content-length", "Host", "User-Agent", "webhook-id", "Webhook-Timestamp",
      "WEBHOOK-SIGNATURE", "Transfer-Encoding", "Connection"})
  void reservedHeader(String name) {
    ApiError error = refused(valid().put("headers", new JsonObject().put(name, "x")));
    assertThat(error.status()).isEqualTo(422);
    assertThat(error.param()).isEqualTo("headers." + name);
  }

  @Test
  @DisplayName("an invalid header name or a value that is not a single-line string is a 422 on headers.<name>")
  void badHeaders() {
    assertUnprocessable(valid().put("headers", new JsonObject().put("Bad Name", "x")), "headers.Bad Name");
    assertUnprocessable(valid().put("headers", new JsonObject().put("X-Number", 5)), "headers.X-Number");
    assertUnprocessable(valid().put("headers", new JsonObject().put("X-Split", "a\r\nX-Evil: 1")), "headers.X-Split");
    assertUnprocessable(valid().put("headers", new JsonObject().put("X-Lf", "a\nb")), "headers.X-Lf");
    assertUnprocessable(valid().put("headers", new JsonObject().put("X-Cr", "a\rb")), "headers.X-Cr");
  }

  @Test
  @DisplayName("an empty events list is a 422 on events, and a bad entry a 422 on events.<index>")
  void events() {
    assertUnprocessable(valid().put("events", new JsonArray()), "events");
    assertUnprocessable(valid().put("events", new JsonArray().add("purchase").add("")), "events.1");
    assertUnprocessable(valid().put("events", new JsonArray().add(3)), "events.0");
    assertUnprocessable(valid().put("events", new JsonArray().add("has space")), "events.0");
  }

  @Test
  @DisplayName("a secret that is not whsec_ + base64 of at least 16 bytes is a 422 on secret")
  void badSecret() {
    assertUnprocessable(valid().put("secret", "hunter2"), "secret");
    assertUnprocessable(valid().put("secret", "whsec_"), "secret");
    assertUnprocessable(valid().put("secret", "whsec_" + Base64.getEncoder().encodeToString(new byte[8])), "secret");
    assertUnprocessable(valid().put("secret", "whsec_***not-base64***"), "secret");
    assertUnprocessable(valid().put("secret", "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"), "secret");
  }

  @Test
  @DisplayName("a bad retry_config is a 422 on the retry_config field")
  void badRetryConfig() {
    assertUnprocessable(valid().put("retry_config", new JsonObject().put("max_attempts", 21)),
        "retry_config.max_attempts");
  }

  @Test
  @DisplayName("a PATCH keeps every field it leaves out")
  void patchKeepsBase() {
    WebhookInput base = create(valid().put("method", "PATCH").put("events", new JsonArray().add("purchase"))
        .put("retry_config", new JsonObject().put("max_attempts", 9)));

    WebhookInput patched = WebhookInput.read(new JsonObject().put("name", "Renamed"), base, false, GUARD);

    assertThat(patched).isEqualTo(new WebhookInput("Renamed", base.url(), "PATCH", base.headers(),
        List.of("purchase"), true, base.retry(), null));
  }
}

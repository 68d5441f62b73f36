package io.echotag.events;

import io.echotag.testing.Api;
import io.vertx.core.json.JsonObject;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Assertions on the API's one error shape, shared by the event tests. */
final class ErrorShape {
  private ErrorShape() {
  }

  /**
   * Asserts {@code response} is {@code status} with {@code {"error": {type, code, message, param?, request_id}}},
   * the request id equal to the {@code X-Request-Id} header; returns the error object.
   */
  static JsonObject assertError(Api.Response response, int status, String type, String code) {
    assertThat(response.status()).as("status of %s", response).isEqualTo(status);
    assertThat(response.header("Content-Type")).startsWith("application/json");
    JsonObject body = response.json();
    assertThat(body.fieldNames()).containsExactly("error");
    JsonObject error = body.getJsonObject("error");
    assertThat(error.fieldNames()).isSubsetOf(List.of("type", "code", "message", "param", "request_id"))
        .contains("type", "code", "message", "request_id");
    assertThat(error.getString("type")).isEqualTo(type);
    assertThat(error.getString("code")).isEqualTo(code);
    assertThat(error.getString("message")).isNotBlank();
    assertThat(error.getString("request_id")).isNotBlank().isEqualTo(response.header("X-Request-Id"));
    return error;
  }

  /** A {@code 400 invalid_request} whose {@code param} is {@code field} and whose message names it. */
  static JsonObject assertInvalid(Api.Response response, String field) {
    assertThat(response.status()).as("status of %s", response).isEqualTo(400);
    JsonObject error = assertError(response, 400, "invalid_request", response.error().getString("code"));
    assertThat(error.getString("code")).isIn("invalid_field", "missing_fields");
    assertThat(error.getString("param")).isEqualTo(field);
    assertThat(error.getString("message")).contains(field);
    return error;
  }
}

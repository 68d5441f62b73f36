package io.echotag.http;

import io.vertx.core.json.JsonObject;

/**
 * The one failure type of the API, rendered one way by {@link Failures}:
 * {@code {"error": {"type", "code", "message", "param", "request_id"}}}. Cheap to throw (no
 * stack trace): validation failures are ordinary control flow.
 */
public final class ApiError extends RuntimeException {
  private final int status;
  private final String type;
  private final String code;
  private final String param;
  private final int retryAfterSeconds;

  private ApiError(int status, String type, String code, String message, String param, int retryAfterSeconds) {
    super(message, null, false, false);
    this.status = status;
    this.type = type;
    this.code = code;
    this.param = param;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  /** {@code 400}: the request is malformed or a field is invalid; {@code param} names the field. */
  public static ApiError invalid(String param, String message) {
    return new ApiError(400, "invalid_request", "invalid_field", message, param, 0);
  }

  public static ApiError badRequest(String code, String message, String param) {
    return new ApiError(400, "invalid_request", code, message, param, 0);
  }

  public static ApiError notFound(String code, String message) {
    return new ApiError(404, "invalid_request", code, message, null, 0);
  }

  public static ApiError methodNotAllowed() {
    return new ApiError(405, "invalid_request", "method_not_allowed", "This method is not allowed on this endpoint",
        null, 0);
  }

  public static ApiError conflict(String code, String message, String param) {
    return new ApiError(409, "invalid_request", code, message, param, 0);
  }

  public static ApiError tooLarge(String message) {
    return new ApiError(413, "invalid_request", "body_too_large", message, null, 0);
  }

  public static ApiError unsupportedMediaType(String message) {
    return new ApiError(415, "invalid_request", "unsupported_media_type", message, null, 0);
  }

  public static ApiError unprocessable(String param, String message) {
    return new ApiError(422, "invalid_request", "invalid_field", message, param, 0);
  }

  public static ApiError unauthenticated(String code, String message) {
    return new ApiError(401, "authentication", code, message, null, 0);
  }

  public static ApiError forbidden(String code, String message) {
    return new ApiError(403, "permission", code, message, null, 0);
  }

  public static ApiError rateLimited(int retryAfterSeconds) {
    return new ApiError(429, "rate_limited", "rate_limited",
        "Too many requests for this API key; retry after " + retryAfterSeconds + " s", null, retryAfterSeconds);
  }

  public static ApiError unavailable(int retryAfterSeconds) {
    return new ApiError(503, "unavailable", "database_unavailable",
        "The database is unreachable; nothing was stored. Retry after " + retryAfterSeconds + " s",
        null, retryAfterSeconds);
  }

  public static ApiError internal() {
    return new ApiError(500, "internal", "internal_error", "Internal error; it has been logged", null, 0);
  }

  public int status() {
    return status;
  }

  public String type() {
    return type;
  }

  public String code() {
    return code;
  }

  public String param() {
    return param;
  }

  public int retryAfterSeconds() {
    return retryAfterSeconds;
  }

  /** The error object, as it appears under {@code "error"} (also inside batch answers). */
  public JsonObject toJson(String requestId) {
    JsonObject error = new JsonObject()
        .put("type", type)
        .put("code", code)
        .put("message", getMessage());
    if (param != null) {
      error.put("param", param);
    }
    if (requestId != null) {
      error.put("request_id", requestId);
    }
    return error;
  }
}

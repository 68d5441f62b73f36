package io.echotag.http;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.util.ArrayList;
import java.util.List;

/** Reads JSON request bodies and their fields, failing with an {@link ApiError} that names the field. */
public final class Bodies {
  private Bodies() {
  }

  /** The body as a JSON object; an empty body is an empty object. */
  public static JsonObject object(RoutingContext ctx) {
    Buffer buffer = ctx.body().buffer();
    if (buffer == null || buffer.length() == 0) {
      return new JsonObject();
    }
    Object value;
    try {
      value = Json.decodeValue(buffer);
    } catch (DecodeException e) {
      throw ApiError.badRequest("invalid_json", "The request body is not valid JSON: " + shortReason(e), null);
    }
    if (value instanceof JsonObject obj) {
      return obj;
    }
    throw ApiError.badRequest("invalid_json", "The request body must be a JSON object", null);
  }

  /** The {@code project_id} a request names: from the body, else from the query; null for the key's default. */
  public static String projectId(RoutingContext ctx, JsonObject body) {
    String fromBody = string(body, "project_id", 100);
    return fromBody != null ? fromBody : Query.string(ctx, "project_id");
  }

  /** Fails with {@code Missing required fields: a, b} when any of {@code fields} is absent, null or "". */
  public static void require(JsonObject body, String... fields) {
    List<String> missing = new ArrayList<>();
    for (String field : fields) {
      Object value = body.getValue(field);
      if (value == null || (value instanceof String s && s.isEmpty())) {
        missing.add(field);
      }
    }
    if (!missing.isEmpty()) {
      throw ApiError.badRequest("missing_fields", "Missing required fields: " + String.join(", ", missing),
          String.join(",", missing));
    }
  }

  /** A string field of 1..maxLength characters, or null when absent. */
  public static String string(JsonObject body, String field, int maxLength) {
    Object value = body.getValue(field);
    if (value == null) {
      return null;
    }
    if (!(value instanceof String s)) {
      throw ApiError.invalid(field, field + " must be a string");
    }
    if (s.isEmpty() || s.length() > maxLength) {
      throw ApiError.invalid(field, field + " must be 1 to " + maxLength + " characters long");
    }
    if (hasNul(s)) {
      throw ApiError.invalid(field, field + " must not contain the NUL character (\\u0000)");
    }
    return s;
  }

  /** PostgreSQL cannot store U+0000 in text or jsonb: such input must be a 400, not a failed statement. */
  public static boolean hasNul(String text) {
    return text.indexOf('\0') >= 0;
  }

  /** Whether any key or string anywhere inside {@code value} (a JSON object, array or scalar) holds U+0000. */
  public static boolean hasNul(Object value) {
    if (value instanceof String s) {
      return hasNul(s);
    }
    if (value instanceof JsonObject obj) {
      for (var entry : obj) {
        if (hasNul(entry.getKey()) || hasNul(entry.getValue())) {
          return true;
        }
      }
    } else if (value instanceof JsonArray array) {
      for (Object item : array) {
        if (hasNul(item)) {
          return true;
        }
      }
    }
    return false;
  }

  public static JsonObject object(JsonObject body, String field) {
    Object value = body.getValue(field);
    if (value == null) {
      return null;
    }
    if (!(value instanceof JsonObject obj)) {
      throw ApiError.invalid(field, field + " must be a JSON object");
    }
    return obj;
  }

  public static JsonArray array(JsonObject body, String field) {
    Object value = body.getValue(field);
    if (value == null) {
      return null;
    }
    if (!(value instanceof JsonArray array)) {
      throw ApiError.invalid(field, field + " must be an array");
    }
    return array;
  }

  /** A list of strings, each of 1..maxLength characters, or null when absent. */
  public static List<String> strings(JsonObject body, String field, int maxLength) {
    JsonArray array = array(body, field);
    if (array == null) {
      return null;
    }
    List<String> out = new ArrayList<>(array.size());
    for (int i = 0; i < array.size(); i++) {
      if (!(array.getValue(i) instanceof String s) || s.isEmpty() || s.length() > maxLength) {
        throw ApiError.invalid(field + "." + i, field + "." + i + " must be a string of 1 to " + maxLength
            + " characters");
      }
      out.add(s);
    }
    return out;
  }

  public static Boolean bool(JsonObject body, String field) {
    Object value = body.getValue(field);
    if (value == null) {
      return null;
    }
    if (!(value instanceof Boolean b)) {
      throw ApiError.invalid(field, field + " must be true or false");
    }
    return b;
  }

  /** A whole number within [min, max], or null when absent. */
  public static Long number(JsonObject body, String field, long min, long max) {
    Object value = body.getValue(field);
    if (value == null) {
      return null;
    }
    if (!(value instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())) {
      throw ApiError.invalid(field, field + " must be a whole number");
    }
    long v = n.longValue();
    if (v < min || v > max) {
      throw ApiError.invalid(field, field + " must be between " + min + " and " + max);
    }
    return v;
  }

  private static String shortReason(DecodeException e) {
    String message = e.getMessage() == null ? "" : e.getMessage();
    int cut = message.indexOf('\n');
    message = cut > 0 ? message.substring(0, cut) : message;
    return message.length() > 200 ? message.substring(0, 200) : message;
  }
}

package io.echotag.reports;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.Arrays;

/**
 * A path inside an event's {@code data} ({@code revenue}, {@code products.0.price}), walked in Java:
 * a field name is only ever a map key, never SQL. A missing value (or a JSON null) is null.
 */
record DataPath(String text, String[] keys) {
  static final int MAX_LENGTH = 200;

  /** The path, or null when it is empty or has an empty segment ({@code a..b}). */
  static DataPath parse(String text) {
    if (text == null || text.isEmpty() || text.length() > MAX_LENGTH) {
      return null;
    }
    String[] keys = text.split("\\.", -1);
    if (Arrays.stream(keys).anyMatch(String::isEmpty)) {
      return null;
    }
    return new DataPath(text, keys);
  }

  Object resolve(JsonObject data) {
    Object current = data;
    for (String key : keys) {
      if (current instanceof JsonObject object) {
        current = object.getValue(key);
      } else if (current instanceof JsonArray array) {
        int index = index(key);
        current = index >= 0 && index < array.size() ? array.getValue(index) : null;
      } else {
        return null;
      }
    }
    return current;
  }

  private static int index(String key) {
    if (key.length() > 9 || !key.chars().allMatch(Character::isDigit)) {
      return -1;
    }
    return Integer.parseInt(key);
  }
}

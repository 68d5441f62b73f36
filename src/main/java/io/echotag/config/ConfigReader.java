package io.echotag.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;

/** Reads dotted key paths with type and range checks, collecting every problem before failing. */
final class ConfigReader {
  private final JsonObject root;
  private final List<String> problems = new ArrayList<>();

  ConfigReader(JsonObject root) {
    this.root = root;
  }

  String string(String path) {
    Object value = value(path);
    return value == null ? "" : value.toString();
  }

  boolean bool(String path) {
    Object value = value(path);
    if (value instanceof Boolean b) {
      return b;
    }
    fail(path, "expected true or false, got " + value);
    return false;
  }

  /** A list of non-blank strings (a JSON array in the file; see {@link ConfigLoader} for the environment). */
  List<String> strings(String path) {
    Object value = value(path);
    List<String> out = new ArrayList<>();
    if (!(value instanceof JsonArray array)) {
      fail(path, "expected a list of strings, got " + value);
      return out;
    }
    for (Object item : array) {
      if (!(item instanceof String text) || text.isBlank()) {
        fail(path, "expected a list of non-empty strings, got " + array.encode());
        return List.of();
      }
      out.add(text.trim());
    }
    return List.copyOf(out);
  }

  int integer(String path, int min, int max) {
    return (int) longValue(path, min, max);
  }

  long longValue(String path, long min, long max) {
    Object value = value(path);
    if (!(value instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())) {
      fail(path, "expected a whole number, got " + value);
      return min;
    }
    long v = n.longValue();
    if (v < min || v > max) {
      fail(path, "must be between " + min + " and " + max + ", got " + v);
    }
    return v;
  }

  void fail(String path, String message) {
    problems.add(path + " (" + ConfigLoader.envName(path) + "): " + message);
  }

  void throwIfFailed() {
    if (!problems.isEmpty()) {
      throw new ConfigException("invalid configuration: " + String.join("; ", problems));
    }
  }

  private Object value(String path) {
    Object node = root;
    for (String part : path.split("\\.")) {
      if (!(node instanceof JsonObject obj) || !obj.containsKey(part)) {
        fail(path, "missing");
        return null;
      }
      node = obj.getValue(part);
    }
    return node;
  }
}

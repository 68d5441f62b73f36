package io.echotag.triggers;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.Arrays;
import java.util.Locale;
import java.util.Set;

/**
 * A field path of the condition and template languages, compiled once: a root object and the keys
 * (or list indexes) to walk from it. {@code event.cart_value} becomes root {@code event}, keys
 * {@code data, cart_value}, because {@code cart_value} is not a top-level event field.
 */
final class FieldPath {
  enum Root {
    EVENT(Set.of("id", "project_id", "event_type", "visitor_id", "session_id", "data", "timestamp", "received_at")),
    VISITOR(Set.of("id", "project_id", "email", "name", "traits", "tags", "event_count", "session_count",
        "first_seen", "last_seen")),
    TRIGGER(Set.of("id", "name")),
    EXECUTION(Set.of("id"));

    final Set<String> fields;
    final String key;

    Root(Set<String> fields) {
      this.fields = fields;
      this.key = name().toLowerCase(Locale.ROOT);
    }
  }

  private static final int MAX_INDEX_DIGITS = 9;

  private final Root root;
  private final String[] keys;
  private final String key;

  private FieldPath(Root root, String[] keys) {
    this.root = root;
    this.keys = keys;
    this.key = root.name() + '\u0000' + String.join("\u0000", keys);
  }

  /** Equal for equal paths (root and keys), whichever condition they come from. */
  String key() {
    return key;
  }

  /**
   * A condition's field: a bare name means {@code event.data.<name>}; explicit roots are
   * {@code event.} and {@code visitor.}. A root alone is not a field. Fails naming {@code param}.
   */
  static FieldPath forCondition(String field, String param) {
    String[] parts = split(field, param);
    if (parts[0].equals("event") || parts[0].equals("visitor")) {
      if (parts.length == 1) {
        throw Invalid.at(param, "\"" + field + "\" names a whole object; name one of its fields");
      }
      return rooted(parts[0].equals("event") ? Root.EVENT : Root.VISITOR, parts, field, param);
    }
    String[] keys = new String[parts.length + 1];
    keys[0] = "data";
    System.arraycopy(parts, 0, keys, 1, parts.length);
    return new FieldPath(Root.EVENT, keys);
  }

  /**
   * A template placeholder: roots {@code event}, {@code visitor}, {@code trigger} and
   * {@code execution} are required (a bare name is an error); a root alone is the whole object.
   */
  static FieldPath forTemplate(String expression, String param) {
    String[] parts = split(expression, param);
    for (Root root : Root.values()) {
      if (root.key.equals(parts[0])) {
        return rooted(root, parts, expression, param);
      }
    }
    throw Invalid.at(param, "unknown placeholder root \"" + parts[0] + "\" in {{" + expression
        + "}}; use event., visitor., trigger. or execution.");
  }

  private static String[] split(String text, String param) {
    if (text == null || text.isEmpty()) {
      throw Invalid.at(param, "empty field path");
    }
    String[] parts = text.split("\\.", -1);
    for (String part : parts) {
      if (part.isEmpty()) {
        throw Invalid.at(param, "empty segment in field path \"" + text + "\"");
      }
    }
    return parts;
  }

  private static FieldPath rooted(Root root, String[] parts, String text, String param) {
    String[] rest = Arrays.copyOfRange(parts, 1, parts.length);
    if (rest.length == 0 || root.fields.contains(rest[0])) {
      return new FieldPath(root, rest);
    }
    if (root == Root.EVENT) {
      String[] keys = new String[rest.length + 1];
      keys[0] = "data";
      System.arraycopy(rest, 0, keys, 1, rest.length);
      return new FieldPath(root, keys);
    }
    String hint = root == Root.VISITOR ? "; custom traits are under visitor.traits." + rest[0] : "";
    throw Invalid.at(param, "unknown " + root.key + " field \"" + rest[0] + "\" in \"" + text + "\"" + hint);
  }

  Root root() {
    return root;
  }

  /** The value at this path, or null when it is missing (a JSON null counts as missing). */
  Object resolve(JsonObject rootObject) {
    Object current = rootObject;
    for (int i = 0; i < keys.length && current != null; i++) {
      current = step(current, keys[i]);
      if (i == 0 && root == Root.VISITOR && keys[0].equals("tags")) {
        current = tagNames(current);
      }
    }
    return current;
  }

  private static Object step(Object current, String key) {
    if (current instanceof JsonObject object) {
      return object.getValue(key);
    }
    if (current instanceof JsonArray array) {
      int index = index(key);
      return index >= 0 && index < array.size() ? array.getValue(index) : null;
    }
    return null;
  }

  private static int index(String key) {
    if (key.length() > MAX_INDEX_DIGITS) {
      return -1;
    }
    for (int i = 0; i < key.length(); i++) {
      if (key.charAt(i) < '0' || key.charAt(i) > '9') {
        return -1;
      }
    }
    return Integer.parseInt(key);
  }

  /** A visitor's tags as names, whether it carries names or the API's {@code {"id", "name"}} objects. */
  private static Object tagNames(Object tags) {
    if (!(tags instanceof JsonArray array)) {
      return tags;
    }
    JsonArray names = new JsonArray();
    for (int i = 0; i < array.size(); i++) {
      Object tag = array.getValue(i);
      names.add(tag instanceof JsonObject object ? object.getValue("name") : tag);
    }
    return names;
  }

  @Override
  public String toString() {
    return root.key + (keys.length == 0 ? "" : "." + String.join(".", keys));
  }
}

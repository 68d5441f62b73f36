package io.echotag.triggers;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Compiles condition objects without wait conditions (those are taken out at the top level by
 * {@link Conditions}): field conditions, their operators and the {@code any} / {@code all} /
 * {@code not} combinators. Every failure is a 422 naming the JSON path of the offending entry.
 */
final class ConditionParser {
  /** Deeper nesting than this is a mistake or an attack; it would only cost stack. */
  static final int MAX_DEPTH = 32;
  static final Set<String> WAIT_KEYS = Set.of("time_since_event", "no_event", "no_purchase");

  private ConditionParser() {
  }

  /** A condition object at {@code path}: every entry must hold. */
  static Condition object(JsonObject conditions, String path, int depth) {
    if (depth > MAX_DEPTH) {
      throw Invalid.at(path, "conditions are nested more than " + MAX_DEPTH + " levels deep");
    }
    List<Condition> parts = new ArrayList<>();
    for (String key : conditions.fieldNames()) {
      Object value = conditions.getValue(key);
      String param = Invalid.child(path, key);
      switch (key) {
        case "any" -> parts.add(any(list(value, param), param, depth));
        case "all" -> parts.add(all(list(value, param), param, depth));
        case "not" -> {
          Condition negated = object(asObject(value, param), param, depth + 1);
          parts.add(ctx -> !negated.matches(ctx));
        }
        default -> {
          if (WAIT_KEYS.contains(key)) {
            throw Invalid.at(param, "wait conditions (time_since_event, no_event, no_purchase) are only allowed "
                + "at the top level of conditions");
          }
          parts.add(field(key, value, param));
        }
      }
    }
    return allOf(parts);
  }

  private static Condition any(JsonArray alternatives, String path, int depth) {
    if (alternatives.isEmpty()) {
      throw Invalid.at(path, "\"any\" needs at least one condition object");
    }
    Condition[] parts = elements(alternatives, path, depth).toArray(Condition[]::new);
    return ctx -> {
      for (Condition part : parts) {
        if (part.matches(ctx)) {
          return true;
        }
      }
      return false;
    };
  }

  private static Condition all(JsonArray conditions, String path, int depth) {
    return allOf(elements(conditions, path, depth));
  }

  private static List<Condition> elements(JsonArray conditions, String path, int depth) {
    List<Condition> parts = new ArrayList<>();
    for (int i = 0; i < conditions.size(); i++) {
      String param = Invalid.child(path, i);
      parts.add(object(asObject(conditions.getValue(i), param), param, depth + 1));
    }
    return parts;
  }

  /**
   * {@code "<field>": {<op>: value, ...}} (every operator must hold) or {@code "<field>": value},
   * shorthand for {@code equals}. An object value is always read as operators, so an unknown key
   * in it is an error rather than a silent equality test; compare with an object through
   * {@code {"equals": {...}}}.
   */
  private static Condition field(String field, Object value, String param) {
    FieldPath path = FieldPath.forCondition(field, param);
    List<Predicate<Object>> tests = new ArrayList<>();
    if (value instanceof JsonObject operators) {
      if (operators.isEmpty()) {
        throw Invalid.at(param, "needs at least one operator, e.g. {\"equals\": ...}");
      }
      for (String key : operators.fieldNames()) {
        Operator operator = Operator.named(key);
        if (operator == null) {
          throw Invalid.at(param, "unknown operator \"" + key + "\"");
        }
        tests.add(operator.compile(operators.getValue(key), param));
      }
    } else {
      tests.add(Operator.EQUALS.compile(value, param));
    }
    @SuppressWarnings("unchecked")
    Predicate<Object>[] all = tests.toArray(Predicate[]::new);
    return ctx -> {
      Object actual = ctx.value(path);
      for (Predicate<Object> test : all) {
        if (!test.test(actual)) {
          return false;
        }
      }
      return true;
    };
  }

  static Condition allOf(List<Condition> parts) {
    if (parts.isEmpty()) {
      return Condition.ALWAYS;
    }
    if (parts.size() == 1) {
      return parts.get(0);
    }
    Condition[] all = parts.toArray(Condition[]::new);
    return ctx -> {
      for (Condition part : all) {
        if (!part.matches(ctx)) {
          return false;
        }
      }
      return true;
    };
  }

  static JsonObject asObject(Object value, String param) {
    if (!(value instanceof JsonObject object)) {
      throw Invalid.at(param, "must be a condition object, not " + Operator.describe(value));
    }
    return object;
  }

  private static JsonArray list(Object value, String param) {
    if (!(value instanceof JsonArray list)) {
      throw Invalid.at(param, "must be a list of condition objects, not " + Operator.describe(value));
    }
    return list;
  }
}

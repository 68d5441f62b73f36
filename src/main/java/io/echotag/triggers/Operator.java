package io.echotag.triggers;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.HashMap;
import java.util.Map;
import java.util.function.IntPredicate;
import java.util.function.Predicate;

/**
 * The operators of a field condition. Each checks its operand once, at parse time, and compiles to
 * a test of the field's value ({@code null} when the field is missing). Every operator fails on a
 * missing field except {@code exists: false} and the {@code not_} ones, which are the exact
 * negations of {@code equals}, {@code contains} and {@code in} — also on a value of the wrong
 * type ({@code {"not_contains": "x"}} holds for a number).
 */
enum Operator {
  EQUALS("equals"),
  NOT_EQUALS("not_equals"),
  CONTAINS("contains"),
  NOT_CONTAINS("not_contains"),
  STARTS_WITH("starts_with"),
  ENDS_WITH("ends_with"),
  MATCHES("matches"),
  GREATER_THAN("greater_than"),
  GREATER_THAN_OR_EQUAL("greater_than_or_equal"),
  LESS_THAN("less_than"),
  LESS_THAN_OR_EQUAL("less_than_or_equal"),
  IN("in"),
  NOT_IN("not_in"),
  EXISTS("exists");

  private static final Map<String, Operator> BY_NAME = new HashMap<>();

  static {
    for (Operator operator : values()) {
      BY_NAME.put(operator.key, operator);
    }
  }

  final String key;

  Operator(String key) {
    this.key = key;
  }

  /** The operator named {@code key}, or null. */
  static Operator named(String key) {
    return BY_NAME.get(key);
  }

  /** Checks {@code operand} and compiles the test; fails with a 422 naming {@code param}. */
  Predicate<Object> compile(Object operand, String param) {
    return switch (this) {
      case EQUALS -> {
        Object expected = comparable(operand, param);
        yield actual -> Values.equal(actual, expected);
      }
      case NOT_EQUALS -> {
        Object expected = comparable(operand, param);
        yield actual -> !Values.equal(actual, expected);
      }
      case CONTAINS -> {
        Object item = comparable(operand, param);
        yield actual -> Values.contains(actual, item);
      }
      case NOT_CONTAINS -> {
        Object item = comparable(operand, param);
        yield actual -> !Values.contains(actual, item);
      }
      case STARTS_WITH -> {
        String prefix = text(operand, param);
        yield actual -> actual instanceof String s && s.startsWith(prefix);
      }
      case ENDS_WITH -> {
        String suffix = text(operand, param);
        yield actual -> actual instanceof String s && s.endsWith(suffix);
      }
      case MATCHES -> {
        BoundedRegex regex = BoundedRegex.compile(text(operand, param), param);
        yield actual -> actual instanceof String s && regex.find(s);
      }
      case GREATER_THAN -> ordered(operand, param, order -> order > 0);
      case GREATER_THAN_OR_EQUAL -> ordered(operand, param, order -> order >= 0);
      case LESS_THAN -> ordered(operand, param, order -> order < 0);
      case LESS_THAN_OR_EQUAL -> ordered(operand, param, order -> order <= 0);
      case IN -> {
        JsonArray options = list(operand, param);
        yield actual -> Values.in(actual, options);
      }
      case NOT_IN -> {
        JsonArray options = list(operand, param);
        yield actual -> !Values.in(actual, options);
      }
      case EXISTS -> {
        if (!(operand instanceof Boolean expected)) {
          throw Invalid.at(param, "\"exists\" takes true or false, not " + describe(operand));
        }
        yield actual -> (actual != null) == expected;
      }
    };
  }

  private Object comparable(Object operand, String param) {
    if (operand == null) {
      throw Invalid.at(param, "\"" + key + "\" needs a value, not null; to test for a missing field use "
          + "{\"exists\": false}");
    }
    // Copied so that a caller mutating its conditions JSON cannot change a compiled rule.
    if (operand instanceof JsonObject object) {
      return object.copy();
    }
    return operand instanceof JsonArray list ? list.copy() : operand;
  }

  private String text(Object operand, String param) {
    if (!(operand instanceof String text)) {
      throw Invalid.at(param, "\"" + key + "\" takes a string, not " + describe(operand));
    }
    return text;
  }

  private Predicate<Object> ordered(Object operand, String param, IntPredicate holds) {
    if (!(operand instanceof Number) && !(operand instanceof String)) {
      throw Invalid.at(param, "\"" + key + "\" takes a number or a string, not " + describe(operand));
    }
    return actual -> {
      Integer order = Values.compare(actual, operand);
      return order != null && holds.test(order);
    };
  }

  private JsonArray list(Object operand, String param) {
    if (!(operand instanceof JsonArray options)) {
      throw Invalid.at(param, "\"" + key + "\" takes a list of values, not " + describe(operand));
    }
    return options.copy();
  }

  static String describe(Object value) {
    if (value == null) {
      return "null";
    }
    if (value instanceof String) {
      return "a string";
    }
    if (value instanceof Number) {
      return "a number";
    }
    if (value instanceof Boolean) {
      return "a boolean";
    }
    if (value instanceof JsonArray) {
      return "a list";
    }
    return "an object";
  }
}

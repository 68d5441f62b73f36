package io.echotag.triggers;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.regex.Pattern;

/**
 * How JSON values compare in conditions. Numbers compare as numbers, whatever their Java type
 * ({@code 10 == 10.0}). A string that is a plain decimal number ({@code "10"}, {@code "-2.5"},
 * {@code "1e3"}) compares as that number <em>when the other side is a number</em> — clients often
 * send numbers as strings — but two strings always compare as strings ({@code "10" < "9"}).
 * Booleans equal booleans only; arrays and objects are equal when their elements are.
 */
final class Values {
  // Bounded so that parsing stays cheap and BigDecimal never meets a huge exponent.
  private static final Pattern NUMERIC = Pattern.compile("-?(0|[1-9][0-9]{0,39})(\\.[0-9]{1,40})?([eE][+-]?[0-9]{1,3})?");

  private Values() {
  }

  static boolean equal(Object a, Object b) {
    if (a == null || b == null) {
      return a == b;
    }
    if (a instanceof Number || b instanceof Number) {
      BigDecimal x = number(a);
      BigDecimal y = number(b);
      return x != null && y != null && x.compareTo(y) == 0;
    }
    if (a instanceof JsonArray x && b instanceof JsonArray y) {
      if (x.size() != y.size()) {
        return false;
      }
      for (int i = 0; i < x.size(); i++) {
        if (!equal(x.getValue(i), y.getValue(i))) {
          return false;
        }
      }
      return true;
    }
    if (a instanceof JsonObject x && b instanceof JsonObject y) {
      if (!x.fieldNames().equals(y.fieldNames())) {
        return false;
      }
      for (String key : x.fieldNames()) {
        if (!equal(x.getValue(key), y.getValue(key))) {
          return false;
        }
      }
      return true;
    }
    return (a instanceof String || a instanceof Boolean) && a.equals(b);
  }

  /**
   * The order of two values, or null when they do not compare: numbers (or a number and a numeric
   * string) numerically, two strings lexicographically (which orders the API's ISO-8601 UTC
   * timestamps by time), anything else not at all.
   */
  static Integer compare(Object a, Object b) {
    if (a == null || b == null) {
      return null;
    }
    if (a instanceof Number || b instanceof Number) {
      BigDecimal x = number(a);
      BigDecimal y = number(b);
      return x == null || y == null ? null : x.compareTo(y);
    }
    if (a instanceof String x && b instanceof String y) {
      return x.compareTo(y);
    }
    return null;
  }

  /** Whether {@code container} holds {@code item}: a list as one of its elements, a string as a substring. */
  static boolean contains(Object container, Object item) {
    if (container instanceof JsonArray list) {
      for (int i = 0; i < list.size(); i++) {
        if (equal(list.getValue(i), item)) {
          return true;
        }
      }
      return false;
    }
    return container instanceof String text && item instanceof String part && text.contains(part);
  }

  /**
   * Whether {@code value} is one of {@code options}; a list value is in when any of its elements
   * is ({@code visitor.tags in ["vip", "gold"]}), or when the whole list is one of the options.
   */
  static boolean in(Object value, JsonArray options) {
    if (value == null) {
      return false;
    }
    if (contains(options, value)) {
      return true;
    }
    if (value instanceof JsonArray list) {
      for (int i = 0; i < list.size(); i++) {
        if (contains(options, list.getValue(i))) {
          return true;
        }
      }
    }
    return false;
  }

  static BigDecimal number(Object value) {
    if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
      return BigDecimal.valueOf(((Number) value).longValue());
    }
    if (value instanceof Double || value instanceof Float) {
      double d = ((Number) value).doubleValue();
      return Double.isFinite(d) ? BigDecimal.valueOf(d) : null;
    }
    if (value instanceof BigDecimal decimal) {
      return decimal;
    }
    if (value instanceof BigInteger integer) {
      return new BigDecimal(integer);
    }
    if (value instanceof String text && NUMERIC.matcher(text).matches()) {
      return new BigDecimal(text);
    }
    return null;
  }
}

package io.echotag.reports;

import java.math.BigDecimal;
import java.math.RoundingMode;

/** Number handling shared by the aggregations: exact sums, one representation per value, percentages. */
final class Numbers {
  private Numbers() {
  }

  /** The value as a BigDecimal when it is a JSON number (not a numeric string), else null. */
  static BigDecimal decimal(Object value) {
    if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
      return BigDecimal.valueOf(((Number) value).longValue());
    }
    if (value instanceof BigDecimal d) {
      return d;
    }
    if (value instanceof Number n) {
      double d = n.doubleValue();
      return Double.isFinite(d) ? new BigDecimal(n.toString()) : null;
    }
    return null;
  }

  /** A group value: numbers that are equal as numbers ({@code 1} and {@code 1.0}) become one key. */
  static Object normalize(Object value) {
    BigDecimal number = decimal(value);
    return number == null ? value : out(number);
  }

  /** A number for a JSON answer: a long when it is whole, else a double. */
  static Number out(BigDecimal value) {
    BigDecimal stripped = value.stripTrailingZeros();
    if (stripped.scale() <= 0 && stripped.abs().compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) < 0) {
      return stripped.longValueExact();
    }
    return value.doubleValue();
  }

  /** {@code part / whole} in percent, two decimals; null when {@code whole} is 0. */
  static Double percent(long part, long whole) {
    if (whole == 0) {
      return null;
    }
    return BigDecimal.valueOf(part * 100L).divide(BigDecimal.valueOf(whole), 2, RoundingMode.HALF_UP).doubleValue();
  }
}

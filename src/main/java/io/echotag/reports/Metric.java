package io.echotag.reports;

import io.echotag.http.ApiError;

/**
 * One {@code metrics} entry of an events report: {@code count}, {@code unique_visitors},
 * {@code sessions} (distinct session ids), or {@code sum:}, {@code avg:}, {@code min:},
 * {@code max:} of a numeric field of {@code data} ({@code sum:revenue}, {@code max:products.0.price}).
 * Values that are not JSON numbers are ignored; {@code sum} of no numbers is 0, the others null.
 */
record Metric(String name, Kind kind, DataPath path) {
  enum Kind { COUNT, UNIQUE_VISITORS, SESSIONS, SUM, AVG, MIN, MAX }

  static Metric parse(Object value, String param) {
    if (!(value instanceof String name)) {
      throw ApiError.unprocessable(param, param + " must be a string such as \"count\" or \"sum:revenue\"");
    }
    int colon = name.indexOf(':');
    String head = colon < 0 ? name : name.substring(0, colon);
    Kind kind = switch (head) {
      case "count" -> Kind.COUNT;
      case "unique_visitors" -> Kind.UNIQUE_VISITORS;
      case "sessions" -> Kind.SESSIONS;
      case "sum" -> Kind.SUM;
      case "avg" -> Kind.AVG;
      case "min" -> Kind.MIN;
      case "max" -> Kind.MAX;
      default -> null;
    };
    if (kind == null) {
      throw ApiError.unprocessable(param, param + ": unknown metric \"" + Dimension.clip(name) + "\"; use count, "
          + "unique_visitors, sessions, sum:<field>, avg:<field>, min:<field> or max:<field>");
    }
    boolean numeric = kind.ordinal() >= Kind.SUM.ordinal();
    if (!numeric) {
      if (colon >= 0) {
        throw ApiError.unprocessable(param, param + ": \"" + head + "\" takes no field");
      }
      return new Metric(name, kind, null);
    }
    DataPath path = colon < 0 ? null : DataPath.parse(name.substring(colon + 1));
    if (path == null) {
      throw ApiError.unprocessable(param, param + ": \"" + head + "\" needs a data field, e.g. \"" + head
          + ":revenue\"");
    }
    return new Metric(name, kind, path);
  }
}

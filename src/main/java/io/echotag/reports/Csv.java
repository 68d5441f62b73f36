package io.echotag.reports;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Report results as CSV (RFC 4180): a header line of the columns, one line per row, CRLF line
 * ends; a field holding a comma, a quote, CR or LF is quoted and its quotes doubled. Null is an
 * empty field; objects and lists are written as JSON text.
 */
final class Csv {
  private Csv() {
  }

  static String of(JsonObject results) {
    StringBuilder out = new StringBuilder();
    line(out, results.getJsonArray("columns"));
    for (Object row : results.getJsonArray("rows")) {
      line(out, (JsonArray) row);
    }
    return out.toString();
  }

  private static void line(StringBuilder out, JsonArray cells) {
    for (int i = 0; i < cells.size(); i++) {
      if (i > 0) {
        out.append(',');
      }
      field(out, cells.getValue(i));
    }
    out.append("\r\n");
  }

  static void field(StringBuilder out, Object value) {
    if (value == null) {
      return;
    }
    String text = value instanceof JsonObject o ? o.encode() : value instanceof JsonArray a ? a.encode()
        : value.toString();
    if (text.indexOf(',') < 0 && text.indexOf('"') < 0 && text.indexOf('\r') < 0 && text.indexOf('\n') < 0) {
      out.append(text);
      return;
    }
    out.append('"').append(text.replace("\"", "\"\"")).append('"');
  }
}

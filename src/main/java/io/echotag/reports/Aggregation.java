package io.echotag.reports;

import io.vertx.core.json.JsonObject;

/** A report's computation over its streamed rows: pure, single-threaded, no I/O. */
interface Aggregation {
  void accept(ReportRow row);

  /**
   * {@code {"columns": [...], "rows": [[...], ...], "truncated": bool}}; {@code truncated} says that
   * more rows than {@code reports.max_rows} were found and only that many are answered.
   */
  JsonObject results();
}

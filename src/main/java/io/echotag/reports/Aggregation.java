package io.echotag.reports;

import io.vertx.core.json.JsonObject;

/** A report's computation over its streamed rows: pure, single-threaded, no I/O. */
interface Aggregation {
  /** The most rows a report answers; the results say {@code "truncated": true} when there were more. */
  int MAX_ROWS = 1000;

  void accept(ReportRow row);

  /** {@code {"columns": [...], "rows": [[...], ...], "truncated": bool}}. */
  JsonObject results();
}

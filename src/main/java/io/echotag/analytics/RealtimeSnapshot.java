package io.echotag.analytics;

import java.util.List;

/**
 * The realtime object of one project at {@code timestamp} (epoch milliseconds), as
 * {@code GET /v1/analytics/realtime} answers it and the stream sends it.
 */
record RealtimeSnapshot(String projectId, long timestamp, long activeVisitors, long eventsLastMinute,
                        double eventsPerSecond, List<Count> byType, List<Count> topPages,
                        List<RealtimeEvent> recentEvents) {

  /** One row of {@code by_type} or {@code top_pages}. */
  record Count(String key, long count) {
  }
}

/**
 * Analytics. Aggregates: {@link io.echotag.analytics.AnalyticsRoutes} answers
 * {@code GET /v1/analytics} with concurrent queries ({@code AnalyticsSql}) over the range and
 * time-zone buckets of {@code AnalyticsRange} (pure). Realtime: the {@link io.echotag.analytics.RealtimeVerticle} folds this node's
 * commits into per-second deltas and merges every node's deltas into per-project sliding windows
 * ({@code RealtimeWindow}, {@code VisitorSet}/{@code HyperLogLog} for distinct visitors, pure
 * classes with an injectable clock); {@link io.echotag.analytics.RealtimeRoutes} serves
 * {@code GET /v1/analytics/realtime}, the SSE stream ({@code SseFanout}, {@code SseStream}:
 * bounded backlog per connection, replay ring per project) and stream tokens
 * ({@link io.echotag.analytics.StreamTokens}).
 */
package io.echotag.analytics;

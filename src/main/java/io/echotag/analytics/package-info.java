/**
 * Analytics. {@code GET /v1/analytics}: {@link io.echotag.analytics.AnalyticsRoutes} reads the
 * blocks asked for in parallel, from hourly rollups ({@link io.echotag.analytics.AnalyticsRollups}:
 * the ingest queues each commit's event ids, {@link io.echotag.analytics.RollupVerticle} folds them
 * in, a read folds in what is left; statements in {@code AnalyticsSql}) or, when the
 * buckets are not whole UTC hours, from the events; {@code AnalyticsQuery} turns period, dates,
 * zone and interval into a range and bucket instants (daylight-saving aware, pure). Realtime: the {@link io.echotag.analytics.RealtimeVerticle} folds this node's
 * commits into per-second deltas and merges every node's deltas into per-project sliding windows
 * ({@code RealtimeWindow}, {@code VisitorSet}/{@code HyperLogLog} for distinct visitors, pure
 * classes with an injectable clock); {@link io.echotag.analytics.RealtimeRoutes} serves
 * {@code GET /v1/analytics/realtime}, the SSE stream ({@code SseFanout}, {@code SseStream}:
 * bounded backlog per connection, replay ring per project) and stream tokens
 * ({@link io.echotag.analytics.StreamTokens}).
 */
package io.echotag.analytics;

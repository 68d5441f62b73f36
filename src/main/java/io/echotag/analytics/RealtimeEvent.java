package io.echotag.analytics;

/**
 * What the realtime windows keep of one committed event: the fields they count by, and the
 * event object itself as JSON text ({@code json}), written out as is in {@code recent_events}
 * and SSE {@code event} messages. {@code receivedAt} is epoch milliseconds.
 */
record RealtimeEvent(String id, String eventType, String visitorId, String url, long receivedAt, String json) {
}

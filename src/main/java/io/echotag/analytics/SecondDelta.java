package io.echotag.analytics;

import java.util.List;
import java.util.Map;

/**
 * What one node saw of one project in one second ({@code second}, epoch seconds, by the node's
 * clock when the commit was published): event counts by type, page views by URL, the distinct
 * visitors, and the newest events (at most {@link DeltaAccumulator#RECENT_PER_DELTA}). Windows
 * merge the deltas of every node; counts add up and visitor sets union.
 */
record SecondDelta(String projectId, long second, long count, Map<String, Long> byType, Map<String, Long> pages,
                   VisitorSet visitors, List<RealtimeEvent> recent) {
}

package io.echotag.analytics;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * One project's sliding windows over the deltas of every node: a ring of per-second buckets
 * ({@link #VISITORS_SECONDS} of them, plus room for deltas from nodes whose clocks run a little
 * ahead) and the newest {@link #RECENT_EVENTS} events.
 *
 * <p>A window of N seconds at time t covers the last N <em>complete</em> seconds, [t−N, t−1] in
 * epoch seconds: nodes publish a second's delta once it is over, so the current second is still
 * filling and would bias every rate down. A delta older than the longest window, or for a
 * second whose slot already holds a newer second, is dropped.
 *
 * <p>Thread-safe (every method synchronizes): the realtime verticle merges deltas while HTTP
 * event loops read snapshots.
 */
final class RealtimeWindow {
  static final int VISITORS_SECONDS = 300;
  static final int MINUTE_SECONDS = 60;
  static final int RATE_SECONDS = 10;
  static final int RECENT_EVENTS = 20;
  static final int TOP_PAGES = 10;
  static final int TOP_TYPES = 50;
  /** Slots ahead of the current second, for deltas of nodes whose clocks run ahead. */
  static final int SKEW_SECONDS = 60;
  private static final int SLOTS = VISITORS_SECONDS + SKEW_SECONDS + 1;
  private static final Comparator<RealtimeEvent> NEWEST_FIRST =
      Comparator.comparingLong(RealtimeEvent::receivedAt).thenComparing(RealtimeEvent::id).reversed();

  private static final class Bucket {
    long second;
    long count;
    final Map<String, Long> byType = new HashMap<>();
    final Map<String, Long> pages = new HashMap<>();
    VisitorSet visitors;

    Bucket(long second, int exactBound) {
      this.second = second;
      this.visitors = new VisitorSet(exactBound);
    }
  }

  private final String projectId;
  private final LongSupplier clock;
  private final int exactBound;
  private final Bucket[] slots = new Bucket[SLOTS];
  private final List<RealtimeEvent> recent = new ArrayList<>();
  private long lastSecond = Long.MIN_VALUE;

  /** {@code clock} gives epoch milliseconds; tests pass a fake one. */
  RealtimeWindow(String projectId, LongSupplier clock, int exactBound) {
    this.projectId = projectId;
    this.clock = clock;
    this.exactBound = exactBound;
  }

  /** Adds one node's delta; returns false when it was dropped as too old or too far ahead. */
  synchronized boolean add(SecondDelta delta) {
    long now = nowSecond();
    long second = delta.second();
    if (second < now - VISITORS_SECONDS || second > now + SKEW_SECONDS) {
      return false;
    }
    int index = (int) Math.floorMod(second, (long) SLOTS);
    if (slots[index] == null || slots[index].second < second) {
      slots[index] = new Bucket(second, exactBound);
    } else if (slots[index].second > second) {
      return false;
    }
    Bucket bucket = slots[index];
    bucket.count += delta.count();
    delta.byType().forEach((type, n) -> bucket.byType.merge(type, n, Long::sum));
    delta.pages().forEach((url, n) -> bucket.pages.merge(url, n, Long::sum));
    bucket.visitors.merge(delta.visitors());
    recent.addAll(delta.recent());
    recent.sort(NEWEST_FIRST);
    if (recent.size() > RECENT_EVENTS) {
      recent.subList(RECENT_EVENTS, recent.size()).clear();
    }
    lastSecond = Math.max(lastSecond, second);
    return true;
  }

  synchronized RealtimeSnapshot snapshot() {
    long nowMillis = clock.getAsLong();
    long now = Math.floorDiv(nowMillis, 1000);
    long lastMinute = 0;
    long lastRate = 0;
    Map<String, Long> byType = new HashMap<>();
    Map<String, Long> pages = new HashMap<>();
    VisitorSet visitors = new VisitorSet(exactBound);
    for (Bucket bucket : slots) {
      if (bucket == null || bucket.second >= now || bucket.second < now - VISITORS_SECONDS) {
        continue;
      }
      visitors.merge(bucket.visitors);
      bucket.byType.forEach((type, n) -> byType.merge(type, n, Long::sum));
      bucket.pages.forEach((url, n) -> pages.merge(url, n, Long::sum));
      if (bucket.second >= now - MINUTE_SECONDS) {
        lastMinute += bucket.count;
      }
      if (bucket.second >= now - RATE_SECONDS) {
        lastRate += bucket.count;
      }
    }
    return new RealtimeSnapshot(projectId, nowMillis, visitors.count(), lastMinute,
        (double) lastRate / RATE_SECONDS, top(byType, TOP_TYPES), top(pages, TOP_PAGES), List.copyOf(recent));
  }

  /** Whether nothing arrived for longer than the longest window (the window may be forgotten). */
  synchronized boolean idle() {
    return lastSecond < nowSecond() - VISITORS_SECONDS;
  }

  String projectId() {
    return projectId;
  }

  private long nowSecond() {
    return Math.floorDiv(clock.getAsLong(), 1000);
  }

  private static List<RealtimeSnapshot.Count> top(Map<String, Long> counts, int limit) {
    return counts.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
        .limit(limit)
        .map(e -> new RealtimeSnapshot.Count(e.getKey(), e.getValue()))
        .toList();
  }
}

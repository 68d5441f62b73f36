package io.echotag.analytics;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Folds the events this node committed into per-project, per-second {@link SecondDelta}s, which
 * {@link #drainBefore} hands out once their second is over. Distinct types and URLs per delta
 * are bounded ({@link #MAX_KEYS_PER_DELTA}): past that, new keys are still counted in the totals
 * but not broken down, so a flood of unique URLs cannot grow a delta without bound. Not
 * thread-safe; the realtime verticle owns it.
 */
final class DeltaAccumulator {
  static final int RECENT_PER_DELTA = 20;
  static final int MAX_KEYS_PER_DELTA = 1000;

  private static final class Builder {
    final String projectId;
    final long second;
    long count;
    final Map<String, Long> byType = new HashMap<>();
    final Map<String, Long> pages = new HashMap<>();
    final VisitorSet visitors;
    final ArrayDeque<RealtimeEvent> recent = new ArrayDeque<>();

    Builder(String projectId, long second, int exactBound) {
      this.projectId = projectId;
      this.second = second;
      this.visitors = new VisitorSet(exactBound);
    }

    void add(RealtimeEvent event) {
      count++;
      bump(byType, event.eventType());
      if (event.url() != null) {
        bump(pages, event.url());
      }
      if (event.visitorId() != null) {
        visitors.add(event.visitorId());
      }
      recent.addLast(event);
      if (recent.size() > RECENT_PER_DELTA) {
        recent.removeFirst();
      }
    }

    SecondDelta build() {
      return new SecondDelta(projectId, second, count, byType, pages, visitors, new ArrayList<>(recent));
    }
  }

  private final int exactBound;
  private final Map<String, Map<Long, Builder>> open = new HashMap<>();

  DeltaAccumulator(int exactBound) {
    this.exactBound = exactBound;
  }

  /** Counts {@code event}, committed at {@code nowMillis} by this node's clock. */
  void add(String projectId, RealtimeEvent event, long nowMillis) {
    long second = Math.floorDiv(nowMillis, 1000);
    open.computeIfAbsent(projectId, p -> new HashMap<>())
        .computeIfAbsent(second, s -> new Builder(projectId, s, exactBound))
        .add(event);
  }

  /** The deltas of every second before {@code second} (epoch seconds), removed from this accumulator. */
  List<SecondDelta> drainBefore(long second) {
    List<SecondDelta> done = new ArrayList<>();
    for (Iterator<Map<Long, Builder>> projects = open.values().iterator(); projects.hasNext(); ) {
      Map<Long, Builder> seconds = projects.next();
      for (Iterator<Builder> it = seconds.values().iterator(); it.hasNext(); ) {
        Builder builder = it.next();
        if (builder.second < second) {
          done.add(builder.build());
          it.remove();
        }
      }
      if (seconds.isEmpty()) {
        projects.remove();
      }
    }
    return done;
  }

  private static void bump(Map<String, Long> counts, String key) {
    if (counts.size() < MAX_KEYS_PER_DELTA || counts.containsKey(key)) {
      counts.merge(key, 1L, Long::sum);
    }
  }
}

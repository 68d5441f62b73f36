package io.echotag.analytics;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class RealtimeWindowTest {
  private static final long T0 = 1_700_000_000L;
  private static final int BOUND = 100;
  private final AtomicLong clock = new AtomicLong(T0 * 1000);
  private final RealtimeWindow window = new RealtimeWindow("proj_a", clock::get, BOUND);

  private void at(long second, long millis) {
    clock.set(second * 1000 + millis);
  }

  private static RealtimeEvent event(String id, String type, String visitor, String url, long at) {
    return new RealtimeEvent(id, type, visitor, url, at, "{\"id\":\"" + id + "\"}");
  }

  /** A delta of {@code second} built like a node builds one, from events. */
  private static SecondDelta delta(long second, String... visitors) {
    DeltaAccumulator acc = new DeltaAccumulator(BOUND);
    int i = 0;
    for (String visitor : visitors) {
      String type = i % 2 == 0 ? "page_view" : "click";
      String url = type.equals("page_view") ? "https://example.com/" + (i % 3) : null;
      acc.add("proj_a", event("evt_" + second + "_" + visitor + "_" + i, type, visitor, url, second * 1000 + i),
          second * 1000 + i);
      i++;
    }
    List<SecondDelta> deltas = acc.drainBefore(second + 1);
    assertThat(deltas).hasSize(1);
    return deltas.get(0);
  }

  @Test
  @DisplayName("a second's events count in the last 10 s rate for 10 s, the last minute for 60 s, visitors for 5 min")
  void slidesOut() {
    at(T0, 500);
    assertThat(window.add(delta(T0, "v1", "v2", "v3", "v1"))).isTrue();
    at(T0 + 1, 0);
    RealtimeSnapshot s = window.snapshot();
    assertThat(s.eventsPerSecond()).isEqualTo(0.4);
    assertThat(s.eventsLastMinute()).isEqualTo(4);
    assertThat(s.activeVisitors()).isEqualTo(3);

    at(T0 + 10, 999);
    assertThat(window.snapshot().eventsPerSecond()).isEqualTo(0.4);
    at(T0 + 11, 0);
    assertThat(window.snapshot().eventsPerSecond()).isZero();
    assertThat(window.snapshot().eventsLastMinute()).isEqualTo(4);

    at(T0 + 60, 0);
    assertThat(window.snapshot().eventsLastMinute()).isEqualTo(4);
    at(T0 + 61, 0);
    assertThat(window.snapshot().eventsLastMinute()).isZero();
    assertThat(window.snapshot().activeVisitors()).isEqualTo(3);
    assertThat(window.snapshot().byType()).extracting(RealtimeSnapshot.Count::count).containsExactly(2L, 2L);

    at(T0 + 300, 0);
    assertThat(window.snapshot().activeVisitors()).isEqualTo(3);
    assertThat(window.idle()).isFalse();
    at(T0 + 301, 0);
    RealtimeSnapshot late = window.snapshot();
    assertThat(late.activeVisitors()).isZero();
    assertThat(late.byType()).isEmpty();
    assertThat(late.topPages()).isEmpty();
    assertThat(late.recentEvents()).as("the last 20 events are kept however old").hasSize(4);
    assertThat(window.idle()).isTrue();
  }

  @Test
  @DisplayName("the current, still filling second is not counted until it is over")
  void currentSecondWaits() {
    at(T0, 100);
    window.add(delta(T0, "v1"));
    assertThat(window.snapshot().eventsLastMinute()).isZero();
    at(T0 + 1, 0);
    assertThat(window.snapshot().eventsLastMinute()).isEqualTo(1);
  }

  @Test
  @DisplayName("deltas of two nodes for the same second add up counts and union their visitors")
  void mergesNodes() {
    at(T0 + 1, 0);
    window.add(delta(T0, "a", "b", "c"));
    window.add(delta(T0, "c", "d"));
    window.add(delta(T0 - 1, "a", "e"));
    RealtimeSnapshot s = window.snapshot();
    assertThat(s.eventsLastMinute()).isEqualTo(7);
    assertThat(s.activeVisitors()).as("a..e, c and a seen by both nodes").isEqualTo(5);
    assertThat(s.byType()).extracting(RealtimeSnapshot.Count::key).containsExactly("page_view", "click");
    assertThat(s.byType()).extracting(RealtimeSnapshot.Count::count).containsExactly(4L, 3L);
    assertThat(s.topPages().get(0)).isEqualTo(new RealtimeSnapshot.Count("https://example.com/0", 3));
    assertThat(s.recentEvents()).hasSize(7);
    assertThat(s.recentEvents().get(0).receivedAt()).isGreaterThanOrEqualTo(s.recentEvents().get(6).receivedAt());
  }

  @Test
  @DisplayName("recent_events holds the newest 20 across nodes, newest first")
  void recentTwenty() {
    at(T0 + 30, 0);
    for (int s = 0; s < 15; s++) {
      window.add(delta(T0 + s, "x" + s, "y" + s));
    }
    List<RealtimeEvent> recent = window.snapshot().recentEvents();
    assertThat(recent).hasSize(20);
    assertThat(recent.get(0).id()).startsWith("evt_" + (T0 + 14));
    assertThat(recent.get(19).id()).startsWith("evt_" + (T0 + 5));
  }

  @Test
  @DisplayName("a delta older than 5 minutes, or for a slot already holding a newer second, is dropped")
  void dropsStale() {
    at(T0 + 400, 0);
    assertThat(window.add(delta(T0, "v"))).isFalse();
    assertThat(window.add(delta(T0 + 399, "v"))).isTrue();
    assertThat(window.add(delta(T0 + 400 + RealtimeWindow.SKEW_SECONDS + 1, "v"))).isFalse();
    assertThat(window.snapshot().eventsLastMinute()).isEqualTo(1);
  }

  @Test
  @DisplayName("past the exact bound, distinct visitors come from merged sketches within a few percent")
  void sketchPastBound() {
    // Two nodes, 300 seconds, 200 visitors per node-second (past the bound of 100), overlapping:
    // 30,000 distinct visitors in all, each seen by both nodes.
    at(T0 + 300, 0);
    for (int s = 0; s < 300; s++) {
      for (int node = 0; node < 2; node++) {
        VisitorSet visitors = new VisitorSet(BOUND);
        for (int v = 0; v < 200; v++) {
          visitors.add("visitor-" + (s * 100 + (v + node * 100) % 300));
        }
        assertThat(visitors.isExact()).isFalse();
        window.add(new SecondDelta("proj_a", T0 + s, 200, Map.of(), Map.of(), visitors, List.of()));
      }
    }
    long expected = 299 * 100 + 300;
    assertThat((double) window.snapshot().activeVisitors()).isCloseTo(expected, within(expected * 0.04));
  }

  @Test
  @DisplayName("an exact set stays exact up to the bound and merges exactly")
  void exactUnderBound() {
    VisitorSet a = VisitorSet.exact(BOUND, List.of("a", "b"));
    a.merge(VisitorSet.exact(BOUND, List.of("b", "c")));
    assertThat(a.isExact()).isTrue();
    assertThat(a.count()).isEqualTo(3);
    List<String> many = new ArrayList<>();
    for (int i = 0; i < 150; i++) {
      many.add("v" + i);
    }
    a.merge(VisitorSet.exact(BOUND, many.subList(0, 60)));
    a.merge(VisitorSet.exact(BOUND, many.subList(60, 150)));
    assertThat(a.isExact()).isFalse();
    assertThat((double) a.count()).isCloseTo(153, within(153 * 0.04));
  }

  @Test
  @DisplayName("HyperLogLog estimates 100,000 distinct ids within 4 % and survives its byte form")
  void hyperLogLog() {
    HyperLogLog h = new HyperLogLog();
    for (int i = 0; i < 100_000; i++) {
      h.add("visitor-" + i);
    }
    assertThat((double) h.estimate()).isCloseTo(100_000, within(4_000.0));
    assertThat(HyperLogLog.fromBytes(h.toBytes()).estimate()).isEqualTo(h.estimate());
  }

  @Test
  @DisplayName("the replay ring gives the events after a known id, everything for an unknown one, and forgets the oldest")
  void ring() {
    EventRing ring = new EventRing(3);
    for (int i = 1; i <= 5; i++) {
      ring.append(event("evt_" + i, "click", "v", null, i));
    }
    assertThat(ring.after("evt_3")).extracting(e -> e.event().id()).containsExactly("evt_4", "evt_5");
    assertThat(ring.after("evt_1")).extracting(e -> e.event().id()).containsExactly("evt_3", "evt_4", "evt_5");
    assertThat(ring.after("0")).hasSize(3);
    assertThat(ring.head()).isEqualTo(new EventRing.Position(5, "evt_5"));
  }
}

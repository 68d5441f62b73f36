package io.echotag.analytics;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The newest events of one project as this node received them, for {@code Last-Event-ID}
 * replay: at most {@code capacity}, each numbered in arrival order ({@code seq}). Event ids are
 * the SSE ids, so a client may reconnect to any node of a cluster (each node's ring holds the
 * same events, perhaps in a slightly different order).
 *
 * <p>Thread-safe: the realtime verticle appends, HTTP event loops read.
 */
final class EventRing {
  /** One held event and its place in this node's arrival order. */
  record Entry(long seq, RealtimeEvent event) {
  }

  private final int capacity;
  private final ArrayDeque<Entry> entries = new ArrayDeque<>();
  private final Map<String, Long> seqById = new HashMap<>();
  private long nextSeq = 1;

  EventRing(int capacity) {
    this.capacity = capacity;
  }

  synchronized Entry append(RealtimeEvent event) {
    Entry entry = new Entry(nextSeq++, event);
    if (capacity == 0) {
      return entry;
    }
    entries.addLast(entry);
    seqById.put(event.id(), entry.seq());
    if (entries.size() > capacity) {
      seqById.remove(entries.removeFirst().event().id());
    }
    return entry;
  }

  /**
   * The held events that came after {@code lastEventId}. An id the ring does not hold (older
   * than the ring, from before it started, or {@code "0"}: a client that had seen none) replays
   * everything held — a client that missed more than the ring holds gets what there is.
   */
  synchronized List<Entry> after(String lastEventId) {
    Long seq = lastEventId == null ? null : seqById.get(lastEventId);
    long from = seq == null ? 0 : seq;
    List<Entry> replay = new ArrayList<>();
    for (Entry entry : entries) {
      if (entry.seq() > from) {
        replay.add(entry);
      }
    }
    return replay;
  }

  /**
   * Where the stream stands now: the seq of the newest event appended, and its id as an SSE id
   * ({@code "0"} when the ring holds none, which replays everything held on reconnect).
   */
  synchronized Position head() {
    Entry last = entries.peekLast();
    return new Position(nextSeq - 1, last == null ? "0" : last.event().id());
  }

  /** A point in the stream: an arrival seq and the SSE id that stands for it. */
  record Position(long seq, String id) {
  }
}

package io.echotag.events;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Server-side sessions for one visitor's events in one commit. A session absorbs an event that
 * falls within the project's inactivity timeout of it (before its start or after its last
 * event); otherwise the event starts a new one. A client-given {@code session_id} is used as is.
 * Pure logic: no I/O, no clock.
 */
final class Sessionizer {
  /** The visitor's current session as stored, or null for a new visitor. */
  record State(String sessionId, Instant startedAt, Instant lastAt) {
  }

  /** One session's share of this commit, merged into the stored row by the upsert. */
  record Aggregate(String id, Instant startedAt, Instant endedAt, int eventCount, String entryUrl, String exitUrl,
                   String referrer) {
  }

  /** Per event (in input order) its session id; the visitor's new current session; how many sessions began. */
  record Result(List<String> sessionIds, State current, int newSessions, List<Aggregate> aggregates) {
  }

  /** A visitor's event as the sessionizer needs it. */
  record Item(Instant timestamp, String clientSessionId, String url, String referrer) {
  }

  private static final class Open {
    final String id;
    Instant start;
    Instant last;
    int count;
    String entryUrl;
    String exitUrl;
    String referrer;

    Open(String id, Instant start, Instant last) {
      this.id = id;
      this.start = start;
      this.last = last;
    }
  }

  private Sessionizer() {
  }

  static Result assign(State stored, long timeoutMs, List<Item> items, Supplier<String> newSessionId) {
    List<Integer> order = new ArrayList<>(items.size());
    for (int i = 0; i < items.size(); i++) {
      order.add(i);
    }
    order.sort(Comparator.comparing(i -> items.get(i).timestamp()));

    List<Open> open = new ArrayList<>();
    if (stored != null && stored.sessionId() != null) {
      open.add(new Open(stored.sessionId(), stored.startedAt(), stored.lastAt()));
    }
    Map<String, Open> touched = new LinkedHashMap<>();
    String[] ids = new String[items.size()];
    int newSessions = 0;
    for (int index : order) {
      Item item = items.get(index);
      Instant ts = item.timestamp();
      Open session = item.clientSessionId() != null ? byId(open, item.clientSessionId()) : absorbing(open, ts, timeoutMs);
      if (session == null) {
        String id = item.clientSessionId() != null ? item.clientSessionId() : newSessionId.get();
        session = new Open(id, ts, ts);
        open.add(session);
        newSessions++;
      }
      if (ts.isBefore(session.start)) {
        session.start = ts;
      }
      if (ts.isAfter(session.last)) {
        session.last = ts;
      }
      Open mine = touched.computeIfAbsent(session.id, id -> new Open(id, ts, ts));
      record(mine, item);
      ids[index] = session.id;
    }

    Open current = null;
    for (Open session : open) {
      if (current == null || session.last.isAfter(current.last)) {
        current = session;
      }
    }
    List<Aggregate> aggregates = new ArrayList<>(touched.size());
    for (Open s : touched.values()) {
      aggregates.add(new Aggregate(s.id, s.start, s.last, s.count, s.entryUrl, s.exitUrl, s.referrer));
    }
    State next = current == null ? null : new State(current.id, current.start, current.last);
    return new Result(List.of(ids), next, newSessions, aggregates);
  }

  /** Items arrive in time order, so the first URL seen is the entry and the last the exit. */
  private static void record(Open aggregate, Item item) {
    aggregate.count++;
    if (item.timestamp().isBefore(aggregate.start)) {
      aggregate.start = item.timestamp();
    }
    if (item.timestamp().isAfter(aggregate.last)) {
      aggregate.last = item.timestamp();
    }
    if (item.url() != null) {
      if (aggregate.entryUrl == null) {
        aggregate.entryUrl = item.url();
      }
      aggregate.exitUrl = item.url();
    }
    if (aggregate.count == 1) {
      // The landing event's referrer, even when it has none (a direct visit stays direct).
      aggregate.referrer = item.referrer();
    }
  }

  private static Open byId(List<Open> open, String id) {
    for (Open session : open) {
      if (session.id.equals(id)) {
        return session;
      }
    }
    return null;
  }

  /** The most recent open session whose timeout window holds {@code ts}. */
  private static Open absorbing(List<Open> open, Instant ts, long timeoutMs) {
    Open best = null;
    for (Open session : open) {
      boolean within = !ts.isBefore(session.start.minusMillis(timeoutMs)) && !ts.isAfter(session.last.plusMillis(timeoutMs));
      if (within && (best == null || session.last.isAfter(best.last))) {
        best = session;
      }
    }
    return best;
  }
}

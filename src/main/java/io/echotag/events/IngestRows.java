package io.echotag.events;

import io.echotag.common.Times;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;

import java.time.OffsetDateTime;
import java.util.function.Predicate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The column arrays of one commit's inserts and updates, built from the events grouped by
 * visitor and the visitors' stored sessions. Pure: no I/O.
 */
record IngestRows(List<Integer> eventIndexes, List<String> sessionIds, Tuple events, Tuple visitors,
                  Tuple sessions, Tuple outbox, Tuple triggerWork) {

  static IngestRows build(List<EventInput> inputs, Map<String, List<Integer>> byVisitor,
                          Map<String, Sessionizer.State> stored, Supplier<String> newSessionId,
                          Predicate<EventInput> needsTriggerWork) {
    Columns events = new Columns(8);
    Columns visitors = new Columns(12);
    Columns sessions = new Columns(9);
    Columns outbox = new Columns(3);
    Columns triggerWork = new Columns(5);
    int workRows = 0;
    List<Integer> indexes = new ArrayList<>();
    List<String> sessionIds = new ArrayList<>();
    for (Map.Entry<String, List<Integer>> entry : byVisitor.entrySet()) {
      List<Integer> group = entry.getValue();
      EventInput first = inputs.get(group.get(0));
      List<Sessionizer.Item> items = new ArrayList<>(group.size());
      for (int i : group) {
        EventInput input = inputs.get(i);
        items.add(new Sessionizer.Item(input.timestamp(), input.sessionId(), input.dataString("url"),
            input.dataString("referrer")));
      }
      Sessionizer.Result result = Sessionizer.assign(stored.get(entry.getKey()), first.sessionTimeoutMs(), items,
          newSessionId);

      OffsetDateTime firstSeen = null;
      OffsetDateTime lastSeen = null;
      for (int k = 0; k < group.size(); k++) {
        EventInput input = inputs.get(group.get(k));
        String session = result.sessionIds().get(k);
        OffsetDateTime ts = Times.utc(input.timestamp());
        events.add(input.projectId(), input.id(), input.eventType(), input.visitorId(), session,
            input.data().encode(), ts, Times.utc(input.receivedAt()));
        outbox.add(input.projectId(), input.id(), input.eventType());
        if (needsTriggerWork.test(input)) {
          triggerWork.add(input.projectId(), input.id(), input.eventType(), input.depth(), input.sourceTriggerId());
          workRows++;
        }
        indexes.add(group.get(k));
        sessionIds.add(session);
        firstSeen = firstSeen == null || ts.isBefore(firstSeen) ? ts : firstSeen;
        lastSeen = lastSeen == null || ts.isAfter(lastSeen) ? ts : lastSeen;
      }
      Identity identity = Identity.of(inputs, group);
      Sessionizer.State current = result.current();
      visitors.add(first.projectId(), first.visitorId(), firstSeen, lastSeen, group.size(), result.newSessions(),
          current.sessionId(), Times.utc(current.startedAt()), Times.utc(current.lastAt()), identity.email,
          identity.name, identity.traits == null ? null : identity.traits.encode());
      for (Sessionizer.Aggregate s : result.aggregates()) {
        sessions.add(first.projectId(), s.id(), first.visitorId(), Times.utc(s.startedAt()), Times.utc(s.endedAt()),
            s.eventCount(), s.entryUrl(), s.exitUrl(), s.referrer());
      }
    }
    return new IngestRows(indexes, sessionIds, events.tuple(), visitors.tuple(), sessions.tuple(), outbox.tuple(),
        workRows == 0 ? null : triggerWork.tuple());
  }

  /** What this commit's {@code identify} events say about the visitor, later ones winning. */
  private static final class Identity {
    String email;
    String name;
    JsonObject traits;

    static Identity of(List<EventInput> inputs, List<Integer> group) {
      Identity identity = new Identity();
      group.stream().map(inputs::get).filter(e -> e.eventType().equals("identify"))
          .sorted(Comparator.comparing(EventInput::timestamp))
          .forEach(e -> {
            identity.email = e.dataString("email") != null ? e.dataString("email") : identity.email;
            identity.name = e.dataString("name") != null ? e.dataString("name") : identity.name;
            if (e.data().getValue("traits") instanceof JsonObject traits) {
              identity.traits = identity.traits == null ? traits.copy() : identity.traits.mergeIn(traits);
            }
          });
      return identity;
    }
  }

  /** Column-major arrays for {@code unnest}: one list per column, one element per row. */
  private static final class Columns {
    private final List<List<Object>> columns = new ArrayList<>();

    Columns(int width) {
      for (int i = 0; i < width; i++) {
        columns.add(new ArrayList<>());
      }
    }

    void add(Object... row) {
      for (int i = 0; i < row.length; i++) {
        columns.get(i).add(row[i]);
      }
    }

    Tuple tuple() {
      Tuple tuple = Tuple.tuple();
      for (List<Object> column : columns) {
        tuple.addValue(typedArray(column));
      }
      return tuple;
    }

    /** The pg client infers an array's SQL type from its Java component type, so keep it precise. */
    private static Object typedArray(List<Object> column) {
      Object sample = column.stream().filter(java.util.Objects::nonNull).findFirst().orElse(null);
      if (sample instanceof OffsetDateTime) {
        return column.toArray(OffsetDateTime[]::new);
      }
      if (sample instanceof Integer) {
        return column.toArray(Integer[]::new);
      }
      return column.stream().map(o -> (String) o).toArray(String[]::new);
    }
  }
}

package io.echotag.events;

import io.echotag.common.Ids;
import io.echotag.common.Times;
import io.vertx.core.Future;
import io.echotag.webhooks.DeliverySql;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * One group commit, inside the caller's transaction: claim idempotency keys, lock (creating
 * where new) the batch's visitors, assign sessions, then insert events and update visitors and
 * sessions — each step one statement over arrays, independent statements pipelined.
 */
final class IngestTransaction {
  private static final char SEP = '\u0000';

  private final int idempotencyWindowDays;

  IngestTransaction(int idempotencyWindowDays) {
    this.idempotencyWindowDays = idempotencyWindowDays;
  }

  /** What one commit did: per input (in order) the stored or earlier event, and how many deliveries it queued. */
  record Committed(List<StoredEvent> events, int deliveries) {
  }

  /** Stores {@code inputs} and queues their webhook deliveries (the outbox), in the caller's transaction. */
  Future<Committed> run(SqlConnection conn, List<EventInput> inputs) {
    StoredEvent[] results = new StoredEvent[inputs.size()];
    int[] aliasOf = new int[inputs.size()];
    Arrays.fill(aliasOf, -1);
    Map<String, Integer> firstByKey = new HashMap<>();
    List<Integer> keyed = new ArrayList<>();
    for (int i = 0; i < inputs.size(); i++) {
      EventInput input = inputs.get(i);
      if (input.idempotencyKey() == null) {
        continue;
      }
      Integer first = firstByKey.putIfAbsent(keyOf(input), i);
      if (first == null) {
        keyed.add(i);
      } else {
        aliasOf[i] = first;
      }
    }
    return claim(conn, inputs, keyed)
        .compose(claimed -> answerRepeats(conn, inputs, keyed, claimed, results).map(claimed))
        .compose(claimed -> {
          List<Integer> fresh = new ArrayList<>();
          for (int i = 0; i < inputs.size(); i++) {
            EventInput input = inputs.get(i);
            if (aliasOf[i] < 0 && (input.idempotencyKey() == null || claimed.contains(keyOf(input)))) {
              fresh.add(i);
            }
          }
          return fresh.isEmpty() ? Future.succeededFuture(0) : write(conn, inputs, fresh, results);
        })
        .map(deliveries -> {
          for (int i = 0; i < results.length; i++) {
            if (aliasOf[i] >= 0) {
              results[i] = new StoredEvent(results[aliasOf[i]].event(), false);
            }
          }
          return new Committed(List.of(results), deliveries);
        });
  }

  private Future<Set<String>> claim(SqlConnection conn, List<EventInput> inputs, List<Integer> keyed) {
    if (keyed.isEmpty()) {
      return Future.succeededFuture(Set.of());
    }
    List<Integer> sorted = new ArrayList<>(keyed);
    sorted.sort((a, b) -> keyOf(inputs.get(a)).compareTo(keyOf(inputs.get(b))));
    int n = sorted.size();
    String[] projects = new String[n];
    String[] keys = new String[n];
    String[] eventIds = new String[n];
    OffsetDateTime[] created = new OffsetDateTime[n];
    for (int j = 0; j < n; j++) {
      EventInput input = inputs.get(sorted.get(j));
      projects[j] = input.projectId();
      keys[j] = input.idempotencyKey();
      eventIds[j] = input.id();
      created[j] = Times.utc(input.receivedAt());
    }
    return conn.preparedQuery(IngestSql.CLAIM_KEYS)
        .execute(Tuple.of(projects, keys, eventIds, created, idempotencyWindowDays))
        .map(rows -> {
          Set<String> claimed = new HashSet<>();
          for (Row row : rows) {
            claimed.add(row.getString("project_id") + SEP + row.getString("key"));
          }
          return claimed;
        });
  }

  private Future<Void> answerRepeats(SqlConnection conn, List<EventInput> inputs, List<Integer> keyed,
                                     Set<String> claimed, StoredEvent[] results) {
    Map<String, Integer> repeats = new HashMap<>();
    for (int i : keyed) {
      String key = keyOf(inputs.get(i));
      if (!claimed.contains(key)) {
        repeats.put(key, i);
      }
    }
    if (repeats.isEmpty()) {
      return Future.succeededFuture();
    }
    String[] projects = new String[repeats.size()];
    String[] keys = new String[repeats.size()];
    int j = 0;
    for (int i : repeats.values()) {
      projects[j] = inputs.get(i).projectId();
      keys[j++] = inputs.get(i).idempotencyKey();
    }
    return conn.preparedQuery(IngestSql.REPEATS).execute(Tuple.tuple().addArrayOfString(projects).addArrayOfString(keys)).map(rows -> {
      for (Row row : rows) {
        Integer i = repeats.remove(row.getString("project_id") + SEP + row.getString("key"));
        if (i != null) {
          results[i] = new StoredEvent(EventRows.json(row), false);
        }
      }
      if (!repeats.isEmpty()) {
        // The key is held but its event is gone (erased with its visitor): the key still stands for it.
        throw new IllegalStateException("idempotency keys without their event: " + repeats.size());
      }
      return null;
    });
  }

  private Future<Integer> write(SqlConnection conn, List<EventInput> inputs, List<Integer> fresh,
                                StoredEvent[] results) {
    TreeMap<String, List<Integer>> byVisitor = new TreeMap<>();
    for (int i : fresh) {
      EventInput input = inputs.get(i);
      byVisitor.computeIfAbsent(input.projectId() + SEP + input.visitorId(), k -> new ArrayList<>()).add(i);
    }
    int visitors = byVisitor.size();
    String[] projects = new String[visitors];
    String[] visitorIds = new String[visitors];
    OffsetDateTime[] firstSeen = new OffsetDateTime[visitors];
    int v = 0;
    for (List<Integer> group : byVisitor.values()) {
      EventInput first = inputs.get(group.get(0));
      projects[v] = first.projectId();
      visitorIds[v] = first.visitorId();
      Instant min = first.timestamp();
      for (int i : group) {
        min = inputs.get(i).timestamp().isBefore(min) ? inputs.get(i).timestamp() : min;
      }
      firstSeen[v++] = Times.utc(min);
    }
    // Pipelined: the lock runs right after the insert, in one round trip.
    Future<?> inserted = conn.preparedQuery(IngestSql.INSERT_VISITORS).execute(Tuple.of(projects, visitorIds, firstSeen));
    Future<Map<String, Sessionizer.State>> locked = conn.preparedQuery(IngestSql.LOCK_VISITORS)
        .execute(Tuple.tuple().addArrayOfString(projects).addArrayOfString(visitorIds))
        .map(rows -> {
          Map<String, Sessionizer.State> states = new HashMap<>();
          for (Row row : rows) {
            OffsetDateTime started = row.getOffsetDateTime("session_started_at");
            OffsetDateTime last = row.getOffsetDateTime("session_last_at");
            states.put(row.getString("project_id") + SEP + row.getString("visitor_id"),
                row.getString("session_id") == null ? null : new Sessionizer.State(row.getString("session_id"),
                    started.toInstant(), last.toInstant()));
          }
          return states;
        });
    return Future.all(inserted, locked).compose(ok -> {
      IngestRows rows = IngestRows.build(inputs, byVisitor, locked.result(), () -> Ids.next("ses"));
      for (int k = 0; k < rows.eventIndexes().size(); k++) {
        int i = rows.eventIndexes().get(k);
        results[i] = new StoredEvent(inputs.get(i).toJson(rows.sessionIds().get(k)), true);
      }
      Future<RowSet<Row>> outbox = conn.preparedQuery(DeliverySql.ENQUEUE_FOR_EVENTS).execute(rows.outbox());
      return Future.all(
          conn.preparedQuery(IngestSql.INSERT_EVENTS).execute(rows.events()),
          conn.preparedQuery(IngestSql.UPDATE_VISITORS).execute(rows.visitors()),
          conn.preparedQuery(IngestSql.UPSERT_SESSIONS).execute(rows.sessions()),
          outbox).map(done -> outbox.result().rowCount());
    });
  }

  private static String keyOf(EventInput input) {
    return input.projectId() + SEP + input.idempotencyKey();
  }
}

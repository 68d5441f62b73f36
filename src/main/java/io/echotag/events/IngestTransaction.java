package io.echotag.events;

import io.echotag.analytics.AnalyticsRollups;
import io.echotag.common.Ids;
import io.echotag.common.Times;
import io.echotag.webhooks.DeliveryHandOver;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.function.Predicate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * One group commit in two pipelined round trips on one connection:
 * <ol>
 *   <li>{@code BEGIN}; claim idempotency keys; lock every visitor of the batch and read its
 *   current session (only when some visitor has no row yet: create those and lock them, one more
 *   round trip that a visitor needs once);</li>
 *   <li>(sessions assigned in Java) insert events, write the analytics rollups (before the session
 *   upsert: they read each session's stored row), update visitors, upsert sessions, write the
 *   webhook and trigger outboxes, read the first events of repeated keys; {@code COMMIT}.</li>
 * </ol>
 * The webhook outbox is written leased to this node's delivery engine when one runs, and read
 * back ready to send ({@link DeliveryHandOver#enqueue}).
 * Each step is one statement over arrays. Every statement's future is awaited, not only the
 * {@code COMMIT}'s: PostgreSQL answers {@code COMMIT} of a failed transaction with a rollback,
 * not an error, so success means every statement succeeded.
 */
final class IngestTransaction {
  private static final char SEP = '\u0000';

  private final int idempotencyWindowDays;
  private final DeliveryHandOver deliveries;

  IngestTransaction(int idempotencyWindowDays, DeliveryHandOver deliveries) {
    this.idempotencyWindowDays = idempotencyWindowDays;
    this.deliveries = deliveries;
  }

  /** What one commit did: per input (in order) the stored or earlier event, the deliveries it queued, the trigger work rows. */
  record Committed(List<StoredEvent> events, DeliveryHandOver.Queued deliveries, int triggerWork) {
  }

  /**
   * Stores {@code inputs} and queues their deliveries. The caller owns {@code conn} and must
   * roll back when the future fails.
   */
  Future<Committed> run(SqlConnection conn, List<EventInput> inputs, Predicate<EventInput> needsTriggerWork) {
    int[] aliasOf = new int[inputs.size()];
    Arrays.fill(aliasOf, -1);
    Map<String, Integer> firstByKey = new HashMap<>();
    List<Integer> keyed = new ArrayList<>();
    List<Integer> candidates = new ArrayList<>();
    for (int i = 0; i < inputs.size(); i++) {
      EventInput input = inputs.get(i);
      if (input.idempotencyKey() != null) {
        Integer first = firstByKey.putIfAbsent(keyOf(input), i);
        if (first != null) {
          aliasOf[i] = first;
          continue;
        }
        keyed.add(i);
      }
      candidates.add(i);
    }
    TreeMap<String, List<Integer>> byVisitor = byVisitor(inputs, candidates);

    Future<?> begin = conn.query("BEGIN").execute();
    Future<Set<String>> claimed = claim(conn, inputs, keyed);
    Tuple visitorKeys = visitorKeys(inputs, byVisitor);
    Future<Map<String, Sessionizer.State>> locked = lock(conn, visitorKeys)
        .compose(states -> states.size() == byVisitor.size() ? Future.succeededFuture(states)
            : createAndLock(conn, visitorKeys));

    return Future.all(begin, claimed, locked)
        .compose(ok -> write(conn, inputs, candidates, keyed, claimed.result(), locked.result(), needsTriggerWork))
        .map(committed -> {
          StoredEvent[] results = committed.events().toArray(StoredEvent[]::new);
          for (int i = 0; i < results.length; i++) {
            if (aliasOf[i] >= 0) {
              results[i] = new StoredEvent(results[aliasOf[i]].event(), false);
            }
          }
          return new Committed(List.of(results), committed.deliveries(), committed.triggerWork());
        });
  }

  private Future<Committed> write(SqlConnection conn, List<EventInput> inputs, List<Integer> candidates,
                                  List<Integer> keyed, Set<String> claimed, Map<String, Sessionizer.State> states,
                                  Predicate<EventInput> needsTriggerWork) {
    StoredEvent[] results = new StoredEvent[inputs.size()];
    List<Integer> fresh = new ArrayList<>();
    for (int i : candidates) {
      EventInput input = inputs.get(i);
      if (input.idempotencyKey() == null || claimed.contains(keyOf(input))) {
        fresh.add(i);
      }
    }
    List<Future<?>> statements = new ArrayList<>();
    statements.add(answerRepeats(conn, inputs, keyed, claimed, results));
    Future<DeliveryHandOver.Queued> outbox = Future.succeededFuture(DeliveryHandOver.none());
    Future<RowSet<Row>> work = null;
    if (!fresh.isEmpty()) {
      IngestRows rows = IngestRows.build(inputs, byVisitor(inputs, fresh), states, () -> Ids.next("ses"),
          needsTriggerWork);
      for (int k = 0; k < rows.eventIndexes().size(); k++) {
        int i = rows.eventIndexes().get(k);
        results[i] = new StoredEvent(inputs.get(i).toJson(rows.sessionIds().get(k)), true);
      }
      statements.add(conn.preparedQuery(IngestSql.INSERT_EVENTS).execute(rows.events()));
      statements.add(AnalyticsRollups.queue(conn, rows.events()));
      statements.add(conn.preparedQuery(IngestSql.UPDATE_VISITORS).execute(rows.visitors()));
      statements.add(conn.preparedQuery(IngestSql.UPSERT_SESSIONS).execute(rows.sessions()));
      outbox = deliveries.enqueue(conn, rows.outbox());
      statements.add(outbox);
      if (rows.triggerWork() != null) {
        work = conn.preparedQuery(IngestSql.ENQUEUE_TRIGGER_WORK).execute(rows.triggerWork());
        statements.add(work);
      }
    }
    statements.add(conn.query("COMMIT").execute());
    Future<DeliveryHandOver.Queued> queued = outbox;
    Future<RowSet<Row>> triggered = work;
    return Future.all(statements)
        .map(ok -> new Committed(Arrays.asList(results), queued.result(),
            triggered == null ? 0 : triggered.result().rowCount()));
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
    return conn.preparedQuery(IngestSql.REPEATS)
        .execute(Tuple.tuple().addArrayOfString(projects).addArrayOfString(keys))
        .map(rows -> {
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

  private static TreeMap<String, List<Integer>> byVisitor(List<EventInput> inputs, List<Integer> indexes) {
    TreeMap<String, List<Integer>> byVisitor = new TreeMap<>();
    for (int i : indexes) {
      EventInput input = inputs.get(i);
      byVisitor.computeIfAbsent(input.projectId() + SEP + input.visitorId(), k -> new ArrayList<>()).add(i);
    }
    return byVisitor;
  }

  /** Project, visitor and earliest timestamp per visitor, in key order (so concurrent commits lock alike). */
  private static Tuple visitorKeys(List<EventInput> inputs, TreeMap<String, List<Integer>> byVisitor) {
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
    return Tuple.tuple().addArrayOfString(projects).addArrayOfString(visitorIds).addArrayOfOffsetDateTime(firstSeen);
  }

  /**
   * Creates the batch's visitors that have no row yet and locks the whole batch again (rows locked
   * already stay locked): the lock of {@link #lock} skips a visitor without a row.
   */
  private static Future<Map<String, Sessionizer.State>> createAndLock(SqlConnection conn, Tuple visitorKeys) {
    return conn.preparedQuery(IngestSql.INSERT_VISITORS).execute(visitorKeys).compose(ok -> lock(conn, visitorKeys));
  }

  private static Future<Map<String, Sessionizer.State>> lock(SqlConnection conn, Tuple visitorKeys) {
    Tuple keys = Tuple.tuple().addValue(visitorKeys.getValue(0)).addValue(visitorKeys.getValue(1));
    return conn.preparedQuery(IngestSql.LOCK_VISITORS).execute(keys).map(rows -> {
      Map<String, Sessionizer.State> states = new HashMap<>();
      for (Row row : rows) {
        OffsetDateTime started = row.getOffsetDateTime("session_started_at");
        OffsetDateTime last = row.getOffsetDateTime("session_last_at");
        states.put(row.getString("project_id") + SEP + row.getString("visitor_id"),
            row.getString("session_id") == null ? null
                : new Sessionizer.State(row.getString("session_id"), started.toInstant(), last.toInstant()));
      }
      return states;
    });
  }

  private static String keyOf(EventInput input) {
    return input.projectId() + SEP + input.idempotencyKey();
  }
}

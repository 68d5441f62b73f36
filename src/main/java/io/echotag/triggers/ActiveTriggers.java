package io.echotag.triggers;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * Each project's active triggers, in creation order, cached: the ingest's {@link TriggerGate}
 * and the engine's {@link TriggerLoader} each keep one, as whatever {@code T} they need of a
 * trigger row. A trigger change drops every list ({@link #invalidate}); a list read while a
 * change happened may be stale and is used once but not kept.
 */
final class ActiveTriggers<T> {
  /**
   * How long a project's list is trusted without news of a change. Changes are announced on the
   * bus, at once; this bounds how long a lost announcement (the bus is at-most-once, and crosses
   * nodes in a cluster) can leave a list stale.
   */
  static final long TTL_MS = 1000;

  private record Entry<T>(List<T> triggers, long readAtNanos) {
    boolean fresh() {
      return System.nanoTime() - readAtNanos < TimeUnit.MILLISECONDS.toNanos(TTL_MS);
    }
  }

  private final Function<Row, T> fromRow;
  private final Map<String, Entry<T>> byProject = new ConcurrentHashMap<>();
  /** Counts invalidations. */
  private final AtomicLong generation = new AtomicLong();

  ActiveTriggers(Function<Row, T> fromRow) {
    this.fromRow = fromRow;
  }

  /**
   * The lists of {@code projectIds}: the fresh ones from the cache, the others read with one
   * query on {@code client} (and cached).
   */
  Future<Map<String, List<T>>> of(SqlClient client, Collection<String> projectIds) {
    Map<String, List<T>> lists = new HashMap<>();
    Set<String> missing = new LinkedHashSet<>();
    for (String project : projectIds) {
      Entry<T> cached = byProject.get(project);
      if (cached != null && cached.fresh()) {
        lists.put(project, cached.triggers());
      } else {
        missing.add(project);
      }
    }
    if (missing.isEmpty()) {
      return Future.succeededFuture(lists);
    }
    long loadedAt = generation.get();
    long readAt = System.nanoTime();
    return client.preparedQuery(TriggerSql.ACTIVE_OF_PROJECTS).execute(Tuple.of(missing.toArray(String[]::new)))
        .map(rows -> {
          Map<String, List<T>> read = new HashMap<>();
          missing.forEach(project -> read.put(project, new ArrayList<>()));
          for (Row row : rows) {
            read.get(row.getString("project_id")).add(fromRow.apply(row));
          }
          read.forEach((project, triggers) -> {
            List<T> list = List.copyOf(triggers);
            lists.put(project, list);
            if (generation.get() == loadedAt) {
              byProject.put(project, new Entry<>(list, readAt));
            }
          });
          return lists;
        });
  }

  /** The project's cached list, fresh or not; null when none is cached. */
  List<T> cached(String projectId) {
    Entry<T> entry = byProject.get(projectId);
    return entry == null ? null : entry.triggers();
  }

  /** Drops every list: a trigger changed (a new one belongs to a list that does not name it yet). */
  void invalidate() {
    generation.incrementAndGet();
    byProject.clear();
  }
}

package io.echotag.triggers;

import io.echotag.events.EventRows;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What a batch of {@link TriggerEngine} reads besides its claimed rows: the triggers (cached by
 * id and as each project's active list, dropped when a trigger changes), the events the rows
 * name and their visitors, each with one query.
 */
final class TriggerLoader {
  /** Triggers by id, for waiting executions (which may outlive their trigger's activity). */
  private final Map<String, Trigger> cache = new ConcurrentHashMap<>();

  /** The active triggers of each project, for new work. */
  private final ActiveTriggers<Trigger> active = new ActiveTriggers<>(Trigger::from);

  /** Work rows' batch: the active triggers of their projects, their events and visitors. */
  Future<Loaded> forWork(SqlConnection conn, List<Row> work) {
    Loaded loaded = new Loaded();
    return activeTriggers(conn, work, loaded).compose(v -> loadEvents(conn, work, loaded));
  }

  /** Due waits' batch: the triggers they name (active or not), their events and visitors. */
  Future<Loaded> forDue(SqlConnection conn, List<Row> due) {
    Loaded loaded = new Loaded();
    return triggersById(conn, due, loaded).compose(v -> loadEvents(conn, due, loaded));
  }

  /**
   * Drops a changed trigger. The per-project lists are all dropped: a trigger's change is rare,
   * and a new trigger belongs to a list that does not name it yet.
   */
  void invalidate(String triggerId) {
    if (triggerId == null) {
      cache.clear();
    } else {
      cache.remove(triggerId);
    }
    active.invalidate();
  }

  /** Triggers (cached), events and visitors of a batch, each loaded with one query. */
  static final class Loaded {
    final Map<String, Trigger> triggers = new HashMap<>();
    final Map<String, List<Trigger>> active = new HashMap<>();
    final Map<String, JsonObject> events = new HashMap<>();
    final Map<String, JsonObject> visitors = new HashMap<>();

    JsonObject visitor(JsonObject event) {
      return visitors.get(visitorKey(event.getString("project_id"), event.getString("visitor_id")));
    }

    /** The key of {@link #visitors}: written by the loader, read by {@link #visitor}. */
    static String visitorKey(String projectId, String visitorId) {
      return projectId + "\u0000" + visitorId;
    }
  }

  /** Loads (through the cache) the triggers that waiting executions name. */
  private Future<Void> triggersById(SqlConnection conn, List<Row> rows, Loaded loaded) {
    Set<String> missing = new LinkedHashSet<>();
    for (Row row : rows) {
      String id = row.getString("trigger_id");
      Trigger cached = cache.get(id);
      if (cached != null) {
        loaded.triggers.put(id, cached);
      } else {
        missing.add(id);
      }
    }
    if (missing.isEmpty()) {
      return Future.succeededFuture();
    }
    return conn.preparedQuery(TriggerSql.BY_IDS).execute(Tuple.of(missing.toArray(String[]::new))).map(found -> {
      for (Row row : found) {
        Trigger trigger = Trigger.from(row);
        cache.put(trigger.id(), trigger);
        loaded.triggers.put(trigger.id(), trigger);
      }
      return null;
    });
  }

  /** The active triggers of the projects of this work. */
  private Future<Void> activeTriggers(SqlConnection conn, List<Row> work, Loaded loaded) {
    Set<String> projects = new LinkedHashSet<>();
    work.forEach(row -> projects.add(row.getString("project_id")));
    return active.of(conn, projects).map(lists -> {
      loaded.active.putAll(lists);
      return null;
    });
  }

  /** The events of a batch and their visitors, each loaded with one query. */
  private Future<Loaded> loadEvents(SqlConnection conn, List<Row> rows, Loaded loaded) {
    String[] projects = rows.stream().map(r -> r.getString("project_id")).toArray(String[]::new);
    String[] eventIds = rows.stream().map(r -> r.getString("event_id")).toArray(String[]::new);
    return conn.preparedQuery(TriggerSql.EVENTS_BY_IDS)
        .execute(Tuple.tuple().addArrayOfString(projects).addArrayOfString(eventIds))
        .compose(events -> {
          List<String> vProjects = new ArrayList<>();
          List<String> vIds = new ArrayList<>();
          for (Row row : events) {
            JsonObject event = EventRows.json(row);
            loaded.events.put(event.getString("id"), event);
            vProjects.add(event.getString("project_id"));
            vIds.add(event.getString("visitor_id"));
          }
          return conn.preparedQuery(TriggerSql.VISITORS).execute(Tuple.tuple()
              .addArrayOfString(vProjects.toArray(String[]::new)).addArrayOfString(vIds.toArray(String[]::new)));
        })
        .map(visitors -> {
          for (Row row : visitors) {
            String key = Loaded.visitorKey(row.getString("project_id"), row.getString("visitor_id"));
            loaded.visitors.put(key, new JsonObject()
                .put("id", row.getString("visitor_id"))
                .put("email", row.getString("email"))
                .put("name", row.getString("name"))
                .put("traits", row.getJsonObject("traits"))
                .put("event_count", row.getLong("event_count"))
                .put("session_count", row.getLong("session_count"))
                .put("tags", row.getValue("tags")));
          }
          return loaded;
        });
  }
}

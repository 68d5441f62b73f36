package io.echotag.bench;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The least the contract asks of one commit beyond storing the events ({@code DurableFloorServer
 * --work contract}): each event gets its visitor's current session or a new one after 30 minutes
 * without events (the answer carries the {@code session_id}), and the visitor's profile and the
 * session's row move with it, in the same transaction. Two pipelined round trips, as in the
 * gateway: lock the batch's visitors and read their sessions (creating the visitors seen for the
 * first time), then insert the events, update the visitors, upsert the sessions and commit. No
 * key, validation beyond two fields, idempotency, identify traits, rollups, outboxes or bus.
 */
final class ContractFloor {
  static final String PROJECT = "prj_floor_contract";
  private static final Duration SESSION_TIMEOUT = Duration.ofMinutes(30);

  /** The project the visitors belong to (their foreign key), under the gateway's first organization. */
  static final String CREATE_PROJECT = "INSERT INTO projects (id, organization_id, name, created_at, updated_at) "
      + "SELECT '" + PROJECT + "', id, 'contract floor', now(), now() FROM organizations ORDER BY created_at LIMIT 1 "
      + "ON CONFLICT DO NOTHING";

  /** Row locks taken one primary-key probe per visitor, in array order (sorted, so commits lock alike). */
  private static final String LOCK = "SELECT x.visitor_id, x.session_id, x.session_started_at, x.session_last_at "
      + "FROM unnest($1::text[]) AS u(visitor_id) CROSS JOIN LATERAL (SELECT * FROM visitors v "
      + "WHERE v.project_id = '" + PROJECT + "' AND v.visitor_id = u.visitor_id FOR NO KEY UPDATE) AS x";

  private static final String CREATE = "INSERT INTO visitors (project_id, visitor_id, first_seen, last_seen) "
      + "SELECT '" + PROJECT + "', u.visitor_id, $2, $2 FROM unnest($1::text[]) AS u(visitor_id) ON CONFLICT DO NOTHING";

  private static final String EVENTS = "INSERT INTO events (project_id, id, event_type, visitor_id, session_id, data, "
      + "\"timestamp\", received_at) SELECT '" + PROJECT + "', i, t, v, s, d, $6, $6 "
      + "FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::jsonb[]) AS u(i, t, v, s, d)";

  private static final String VISITORS = "INSERT INTO visitors AS v (project_id, visitor_id, first_seen, last_seen, "
      + "event_count, session_count, session_id, session_started_at, session_last_at) "
      + "SELECT '" + PROJECT + "', vid, $6, $6, n, ns, sid, ss, $6 FROM unnest($1::text[], $2::int[], $3::int[], "
      + "$4::text[], $5::timestamptz[]) AS u(vid, n, ns, sid, ss) "
      + "ON CONFLICT (project_id, visitor_id) DO UPDATE SET last_seen = excluded.last_seen, "
      + "event_count = v.event_count + excluded.event_count, session_count = v.session_count + excluded.session_count, "
      + "session_id = excluded.session_id, session_started_at = excluded.session_started_at, "
      + "session_last_at = excluded.session_last_at";

  private static final String SESSIONS = "INSERT INTO sessions AS s (project_id, id, visitor_id, started_at, ended_at, "
      + "event_count, entry_url, exit_url) SELECT '" + PROJECT + "', sid, vid, ss, $6, n, url, url "
      + "FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::int[], $5::text[]) AS u(sid, vid, ss, n, url) "
      + "ON CONFLICT (project_id, id) DO UPDATE SET ended_at = excluded.ended_at, "
      + "event_count = s.event_count + excluded.event_count, exit_url = excluded.exit_url";

  private ContractFloor() {
  }

  /** A visitor's current session as read under its row lock; {@code null} fields for a new visitor. */
  private record Current(String sessionId, OffsetDateTime startedAt, OffsetDateTime lastAt) {
  }

  /**
   * Commits {@code events} (the floor's stored shape) at {@code now}, their latest arrival, and sets
   * each one's {@code session_id}; rolls back when a statement fails.
   */
  static Future<Void> commit(SqlConnection conn, List<JsonObject> events, OffsetDateTime now) {
    TreeMap<String, List<JsonObject>> byVisitor = new TreeMap<>();
    for (JsonObject event : events) {
      byVisitor.computeIfAbsent(event.getString("visitor_id"), k -> new ArrayList<>()).add(event);
    }
    String[] visitorIds = byVisitor.keySet().toArray(String[]::new);
    Future<?> begin = conn.query("BEGIN").execute();
    Future<Map<String, Current>> locked = lock(conn, visitorIds).compose(current -> current.size() == visitorIds.length
        ? Future.succeededFuture(current)
        : conn.preparedQuery(CREATE).execute(Tuple.of(visitorIds, now)).compose(ok -> lock(conn, visitorIds)));
    return Future.all(begin, locked).compose(ok -> write(conn, byVisitor, locked.result(), events.size(), now))
        .recover(failure -> conn.query("ROLLBACK").execute().transform(done -> Future.failedFuture(failure)));
  }

  private static Future<Map<String, Current>> lock(SqlClient conn, String[] visitorIds) {
    return conn.preparedQuery(LOCK).execute(Tuple.of((Object) visitorIds)).map(rows -> {
      Map<String, Current> current = new HashMap<>();
      for (Row row : rows) {
        current.put(row.getString("visitor_id"), new Current(row.getString("session_id"),
            row.getOffsetDateTime("session_started_at"), row.getOffsetDateTime("session_last_at")));
      }
      return current;
    });
  }

  private static Future<Void> write(SqlConnection conn, TreeMap<String, List<JsonObject>> byVisitor,
                                    Map<String, Current> locked, int eventCount, OffsetDateTime now) {
    int visitors = byVisitor.size();
    String[] visitorIds = new String[visitors];
    Integer[] eventCounts = new Integer[visitors];
    Integer[] newSessions = new Integer[visitors];
    String[] sessionIds = new String[visitors];
    OffsetDateTime[] sessionStarts = new OffsetDateTime[visitors];
    String[] exitUrls = new String[visitors];
    String[] ids = new String[eventCount];
    String[] types = new String[eventCount];
    String[] eventVisitors = new String[eventCount];
    String[] eventSessions = new String[eventCount];
    JsonObject[] data = new JsonObject[eventCount];
    int v = 0;
    int e = 0;
    for (Map.Entry<String, List<JsonObject>> group : byVisitor.entrySet()) {
      Current current = locked.get(group.getKey());
      boolean continues = current.sessionId() != null
          && Duration.between(current.lastAt(), now).compareTo(SESSION_TIMEOUT) <= 0;
      List<JsonObject> events = group.getValue();
      visitorIds[v] = group.getKey();
      eventCounts[v] = events.size();
      newSessions[v] = continues ? 0 : 1;
      sessionIds[v] = continues ? current.sessionId() : "ses_floor_" + Long.toHexString(ThreadLocalRandom.current().nextLong());
      sessionStarts[v] = continues ? current.startedAt() : now;
      exitUrls[v] = events.get(events.size() - 1).getJsonObject("data").getString("url");
      for (JsonObject event : events) {
        event.put("session_id", sessionIds[v]);
        ids[e] = event.getString("id");
        types[e] = event.getString("event_type");
        eventVisitors[e] = group.getKey();
        eventSessions[e] = sessionIds[v];
        data[e++] = event.getJsonObject("data");
      }
      v++;
    }
    Future<?> inserted = conn.preparedQuery(EVENTS).execute(Tuple.tuple().addArrayOfString(ids)
        .addArrayOfString(types).addArrayOfString(eventVisitors).addArrayOfString(eventSessions)
        .addArrayOfJsonObject(data).addOffsetDateTime(now));
    Future<?> profiles = conn.preparedQuery(VISITORS).execute(Tuple.tuple().addArrayOfString(visitorIds)
        .addArrayOfInteger(eventCounts).addArrayOfInteger(newSessions).addArrayOfString(sessionIds)
        .addArrayOfOffsetDateTime(sessionStarts).addOffsetDateTime(now));
    Future<?> sessions = conn.preparedQuery(SESSIONS).execute(Tuple.tuple().addArrayOfString(sessionIds)
        .addArrayOfString(visitorIds).addArrayOfOffsetDateTime(sessionStarts).addArrayOfInteger(eventCounts)
        .addArrayOfString(exitUrls).addOffsetDateTime(now));
    Future<?> commit = conn.query("COMMIT").execute();
    return Future.all(inserted, profiles, sessions, commit).mapEmpty();
  }
}

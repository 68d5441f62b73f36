package io.echotag.analytics;

import io.echotag.testing.Api;
import io.echotag.testing.TestGateway;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static io.echotag.analytics.AnalyticsFixtures.analytics;
import static io.echotag.analytics.AnalyticsFixtures.event;
import static io.echotag.analytics.AnalyticsFixtures.pageView;
import static io.echotag.analytics.AnalyticsFixtures.send;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The rollups written by concurrent ingest agree with the events, a key of project B never sees
 * project A's analytics, and deleting a project or erasing a visitor removes their rollup rows.
 */
@DisplayName("analytics rollups: equal to the events under concurrent ingest, scoped to one project, deleted with it")
class AnalyticsRollupsTest {
  static final Instant BASE = Instant.parse("2026-05-01T00:00:00Z");

  static TestGateway gateway;
  static Api admin;
  static Api bKey;
  static String projectA;
  static String projectB;

  @BeforeAll
  static void start() throws Exception {
    gateway = TestGateway.start();
    admin = gateway.api();
    projectA = gateway.projectId();
    Api.Response b = admin.post("/v1/projects", new JsonObject().put("name", "B"));
    projectB = b.json().getString("id");
    Api.Response key = admin.post("/v1/auth/keys", new JsonObject().put("name", "B only")
        .put("project_ids", new JsonArray().add(projectB)));
    assertThat(key.status()).isEqualTo(201);
    bKey = admin.withKey(key.json().getString("key"));

    // 8 clients at once, 40 batches of 50 events over 3 days, on few hours and types: hot rollup rows.
    ExecutorService pool = Executors.newFixedThreadPool(8);
    List<Future<?>> sent = new ArrayList<>();
    for (int batch = 0; batch < 40; batch++) {
      sent.add(pool.submit(() -> send(admin, randomEvents(50))));
    }
    for (Future<?> f : sent) {
      f.get();
    }
    pool.shutdown();
    send(bKey, List.of(pageView("b-visitor", "2026-05-02T10:00:00.000Z", "https://b.example/secret"),
        event("purchase", "b-visitor", "2026-05-02T10:01:00.000Z", new JsonObject().put("revenue", 7))));
    drainRollups();
  }

  /** The rollups fold queued commits in after them; any GET /v1/analytics from the rollups takes in the rest. */
  static void drainRollups() {
    Api.Response answer = admin.get("/v1/analytics?project_id=" + projectA);
    assertThat(answer.status()).isEqualTo(200);
    assertThat(answer.header("X-Analytics-Source")).isEqualTo("rollups");
  }

  static List<JsonObject> randomEvents(int n) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    List<String> types = List.of("page_view", "click", "purchase");
    List<JsonObject> events = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      // Never at BASE itself: rollupsEqualEvents reads the events from BASE + 1 ms.
      String ts = BASE.plusSeconds(1 + random.nextLong(3 * 86_400 - 1)).toString();
      String visitor = "v" + random.nextInt(60);
      String type = types.get(random.nextInt(types.size()));
      JsonObject data = new JsonObject().put("url", "https://a.example/p" + random.nextInt(12))
          .put("revenue", random.nextInt(100) / 4.0);
      events.add(event(type, visitor, ts, data));
    }
    return events;
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  @Test
  @DisplayName("per hour and type, per hour and url, and distinct visitors per hour, rollups equal the events")
  void rollupsEqualEvents() {
    assertThat(gateway.count("SELECT count(*) FROM events WHERE project_id = $1", projectA)).isEqualTo(2000);
    assertThat(gateway.count("SELECT count(*) FROM ((SELECT date_trunc('hour', \"timestamp\", 'UTC') AS h, event_type, "
        + "count(*)::bigint AS n, sum((data->>'revenue')::numeric) AS r FROM events WHERE project_id = $1 GROUP BY 1, 2) "
        + "EXCEPT (SELECT hour, event_type, sum(events)::bigint, sum(revenue) FROM analytics_hourly "
        + "WHERE project_id = $1 GROUP BY 1, 2)) d", projectA)).isZero();
    assertThat(gateway.count("SELECT count(DISTINCT (hour, event_type)) FROM analytics_hourly WHERE project_id = $1",
        projectA)).isEqualTo(gateway.count("SELECT count(DISTINCT (date_trunc('hour', \"timestamp\", 'UTC'), "
        + "event_type)) FROM events WHERE project_id = $1", projectA));
    assertThat(gateway.count("SELECT count(*) FROM ((SELECT date_trunc('hour', \"timestamp\", 'UTC'), data->>'url', "
        + "count(*)::bigint FROM events WHERE project_id = $1 AND event_type = 'page_view' GROUP BY 1, 2) "
        + "EXCEPT (SELECT hour, url, sum(views)::bigint FROM analytics_hourly_pages WHERE project_id = $1 GROUP BY 1, 2)) d",
        projectA)).isZero();
    assertThat(gateway.count("SELECT count(*) FROM analytics_visitor_hours WHERE project_id = $1", projectA))
        .isEqualTo(gateway.count("SELECT count(DISTINCT (date_trunc('hour', \"timestamp\", 'UTC'), visitor_id)) "
            + "FROM events WHERE project_id = $1", projectA));
    assertNoDifference("SELECT date_trunc('day', \"timestamp\", 'UTC'), data->>'url', count(*)::bigint FROM events "
        + "WHERE project_id = $1 AND event_type = 'page_view' GROUP BY 1, 2",
        "SELECT day, url, sum(views)::bigint FROM analytics_daily_pages WHERE project_id = $1 GROUP BY 1, 2");
    assertNoDifference("SELECT data->>'url', visitor_id, max(\"timestamp\") FROM events "
        + "WHERE project_id = $1 AND event_type = 'page_view' GROUP BY 1, 2",
        "SELECT url, visitor_id, last_view FROM analytics_page_last WHERE project_id = $1");
    assertNoDifference("SELECT url, date_trunc('hour', last_view, 'UTC'), count(*)::bigint FROM analytics_page_last "
        + "WHERE project_id = $1 GROUP BY 1, 2",
        "SELECT url, hour, sum(visitors)::bigint FROM analytics_page_last_hours WHERE project_id = $1 GROUP BY 1, 2 "
            + "HAVING sum(visitors) <> 0");
    assertNoDifference("SELECT date_trunc('hour', started_at, 'UTC'), count(*)::bigint, "
        + "sum((extract(epoch FROM ended_at - started_at) * 1000)::bigint)::bigint, "
        + "count(*) FILTER (WHERE event_count = 1)::bigint FROM sessions WHERE project_id = $1 GROUP BY 1",
        "SELECT hour, sum(sessions)::bigint, sum(duration_ms)::bigint, sum(bounces)::bigint "
            + "FROM analytics_hourly_sessions WHERE project_id = $1 GROUP BY 1 HAVING sum(sessions) <> 0");
    assertThat(gateway.count("SELECT count(*) FROM sessions WHERE project_id = $1", projectA)).isGreaterThan(60);

    String range = "start_date=2026-05-01&end_date=2026-05-03";
    JsonObject rollups = analytics(admin, range).json();
    JsonObject events = analytics(admin, "start_date=2026-05-01T00:00:00.001Z&end_date=2026-05-03").json();
    assertThat(rollups.getJsonObject("events").getLong("total")).isEqualTo(2000);
    for (String block : List.of("visitors", "events", "conversions", "sessions", "pages")) {
      assertThat(events.getValue(block)).as(block).isEqualTo(rollups.getValue(block));
    }
  }

  @Test
  @DisplayName("a key of project B sees B's numbers only and gets 404 for project A")
  void isolation() {
    JsonObject b = analytics(bKey, "start_date=2026-05-01&end_date=2026-05-03").json();
    assertThat(b.getString("project_id")).isEqualTo(projectB);
    assertThat(b.getJsonObject("events").getLong("total")).isEqualTo(2);
    assertThat(b.getJsonObject("visitors").getLong("total")).isEqualTo(1);
    assertThat(b.getJsonObject("conversions").getDouble("revenue")).isEqualTo(7.0);
    assertThat(b.getJsonArray("pages")).containsExactly(new JsonObject().put("url", "https://b.example/secret")
        .put("views", 1).put("visitors", 1));
    Api.Response a = bKey.get("/v1/analytics?project_id=" + projectA);
    assertThat(a.status()).isEqualTo(404);
    assertThat(a.error().getString("code")).isEqualTo("project_not_found");
    assertThat(admin.get("/v1/analytics?project_id=" + projectB + "&start_date=2026-05-01&end_date=2026-05-03")
        .json().getJsonObject("events").getLong("total")).isEqualTo(2);
  }

  @Test
  @DisplayName("queued commits are folded in by the applier on its own, each once, and the queue empties")
  void applierRunsByItself() {
    Api.Response d = admin.post("/v1/projects", new JsonObject().put("name", "D"));
    String projectD = d.json().getString("id");
    for (int batch = 0; batch < 3; batch++) {
      send(admin, List.of(
          pageView("d" + batch, "2026-05-02T10:00:00.000Z", "https://d.example/").put("project_id", projectD),
          event("purchase", "d" + batch, "2026-05-02T10:05:00.000Z", new JsonObject().put("revenue", 2))
              .put("project_id", projectD)));
    }
    // No read of the analytics here: only the periodic applier can fold these commits in.
    TestGateway.await("the applier to fold in project D's 6 events", 10_000, () -> gateway.count(
        "SELECT coalesce(sum(events), 0) FROM analytics_hourly WHERE project_id = $1", projectD) == 6);
    TestGateway.await("the queue to empty", 10_000, () -> gateway.count("SELECT count(*) FROM analytics_pending") == 0);
    assertThat(gateway.count("SELECT coalesce(sum(sessions), 0) FROM analytics_hourly_sessions WHERE project_id = $1",
        projectD)).isEqualTo(3);
    assertThat(gateway.count("SELECT count(*) FROM analytics_visitor_hours WHERE project_id = $1", projectD))
        .isEqualTo(3);
  }

  @Test
  @DisplayName("deleting a project removes its rollup rows; erasing a visitor removes the rows naming it")
  void deletion() {
    Api.Response c = admin.post("/v1/projects", new JsonObject().put("name", "C"));
    String projectC = c.json().getString("id");
    send(admin, List.of(pageView("c1", "2026-05-02T10:00:00.000Z", "https://c.example/").put("project_id", projectC),
        pageView("c2", "2026-05-02T10:00:00.000Z", "https://c.example/").put("project_id", projectC)));
    drainRollups();
    // hourly type, hourly page, 2 visitor-hours, daily page, session hour, 2 page pairs, page last-view hour,
    // 2 sessions counted
    assertThat(rollupRows(projectC)).isEqualTo(1 + 1 + 2 + 1 + 1 + 2 + 1 + 2);

    assertThat(admin.delete("/v1/visitors/c1?project_id=" + projectC).status()).isEqualTo(204);
    assertThat(rowsNaming(projectC, "c1")).isZero();
    assertThat(rowsNaming(projectC, "c2")).isEqualTo(3);

    assertThat(admin.delete("/v1/projects/" + projectC).status()).isEqualTo(204);
    assertThat(rollupRows(projectC)).isZero();
  }

  @Test
  @DisplayName("erasing a visitor waits for a running applier, then removes the rows that applier wrote")
  void erasureWaitsForTheApplier() throws Exception {
    String projectE = admin.post("/v1/projects", new JsonObject().put("name", "E")).json().getString("id");
    SqlConnection applier = TestGateway.resultOf(gateway.gateway().services().pool().getConnection());
    try {
      // An applier in the middle of its statement: it holds the lock and has written (not yet
      // committed) the rows of e1's first page view. The gateway's own applier cannot take it now.
      Transaction tx = TestGateway.resultOf(applier.begin());
      TestGateway.resultOf(AnalyticsRollups.holdApplier(applier));
      send(admin, List.of(pageView("e1", "2026-05-03T10:00:00.000Z", "https://e.example/").put("project_id", projectE)));
      TestGateway.resultOf(applier.preparedQuery(AnalyticsSql.APPLY_PENDING).execute(Tuple.of(AnalyticsRollups.BATCH)));
      assertThat(TestGateway.resultOf(applier.preparedQuery("SELECT count(*) FROM analytics_page_last "
          + "WHERE project_id = $1 AND visitor_id = 'e1'").execute(Tuple.of(projectE))).iterator().next().getLong(0))
          .isEqualTo(1);

      CompletableFuture<Api.Response> erased = CompletableFuture.supplyAsync(
          () -> admin.delete("/v1/visitors/e1?project_id=" + projectE));
      TestGateway.await("the erasure to wait for the applier's lock", 10_000, () -> gateway.count(
          "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted") > 0);
      assertThat(erased).isNotDone();
      TestGateway.resultOf(tx.commit());

      assertThat(erased.get(30, TimeUnit.SECONDS).status()).isEqualTo(204);
      assertThat(rowsNaming(projectE, "e1")).isZero();
    } finally {
      applier.close();
    }
  }

  /** Rollup rows that name the visitor, or one of its sessions (by the session's row, while it exists). */
  private static long rowsNaming(String projectId, String visitorId) {
    return gateway.count("SELECT (SELECT count(*) FROM analytics_visitor_hours WHERE project_id = $1 AND visitor_id = $2) "
        + "+ (SELECT count(*) FROM analytics_page_last WHERE project_id = $1 AND visitor_id = $2) "
        + "+ (SELECT count(*) FROM analytics_session_rolled r WHERE r.project_id = $1 AND r.session_id NOT IN "
        + "(SELECT id FROM sessions WHERE project_id = $1 AND visitor_id <> $2))", projectId, visitorId);
  }

  /** Both queries (parameter: project A) give the same set of rows. */
  private static void assertNoDifference(String fromEvents, String fromRollups) {
    String sql = "SELECT (SELECT count(*) FROM ((%1$s) EXCEPT (%2$s)) a) + (SELECT count(*) FROM ((%2$s) EXCEPT (%1$s)) b)";
    assertThat(gateway.count(String.format(sql, fromEvents, fromRollups), projectA)).as(fromRollups).isZero();
  }

  private static long rollupRows(String projectId) {
    return gateway.count("SELECT (SELECT count(*) FROM analytics_hourly WHERE project_id = $1) "
        + "+ (SELECT count(*) FROM analytics_hourly_pages WHERE project_id = $1) "
        + "+ (SELECT count(*) FROM analytics_visitor_hours WHERE project_id = $1) "
        + "+ (SELECT count(*) FROM analytics_daily_pages WHERE project_id = $1) "
        + "+ (SELECT count(*) FROM analytics_hourly_sessions WHERE project_id = $1) "
        + "+ (SELECT count(*) FROM analytics_page_last WHERE project_id = $1) "
        + "+ (SELECT count(*) FROM analytics_page_last_hours WHERE project_id = $1) "
        + "+ (SELECT count(*) FROM analytics_session_rolled WHERE project_id = $1)", projectId);
  }
}

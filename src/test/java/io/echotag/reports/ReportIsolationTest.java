package io.echotag.reports;

import io.echotag.testing.Api;
import io.echotag.testing.TestGateway;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static io.echotag.reports.ReportFixtures.create;
import static io.echotag.reports.ReportFixtures.event;
import static io.echotag.reports.ReportFixtures.ingest;
import static io.echotag.reports.ReportFixtures.row;
import static io.echotag.reports.ReportFixtures.rows;
import static io.echotag.reports.ReportFixtures.strings;
import static org.assertj.core.api.Assertions.assertThat;

/** Project A (the admin key's default) has events and a report; a key restricted to project B asks. */
@DisplayName("a key of project B cannot see, run or delete project A's reports, nor count A's events")
class ReportIsolationTest {
  static final JsonObject JULY = new JsonObject().put("start", "2025-07-01").put("end", "2025-07-31");
  static TestGateway gateway;
  static Api admin;
  static Api bKey;
  static String projectA;
  static JsonObject aReport;

  @BeforeAll
  static void start() {
    gateway = TestGateway.start();
    admin = gateway.api();
    projectA = gateway.projectId();
    String projectB = admin.post("/v1/projects", new JsonObject().put("name", "Project B")).json().getString("id");
    Api.Response key = admin.post("/v1/auth/keys", new JsonObject().put("name", "B only")
        .put("project_ids", new JsonArray().add(projectB)));
    assertThat(key.status()).isEqualTo(201);
    bKey = admin.withKey(key.json().getString("key"));
    ingest(admin, event("purchase", "shared", "2025-07-02T10:00:00.000Z", new JsonObject().put("revenue", 100)));
    ingest(bKey, event("purchase", "shared", "2025-07-02T10:00:00.000Z", new JsonObject().put("revenue", 1)));
    aReport = create(admin, new JsonObject().put("name", "A revenue").put("report_type", "events")
        .put("date_range", JULY).put("metrics", strings("count", "sum:revenue")));
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  @Test
  @DisplayName("A's report is 404 to B's key on GET (JSON and CSV) and DELETE, even naming project A, and stays")
  void notFound() {
    String path = "/v1/reports/" + aReport.getString("id");
    for (Api.Response response : new Api.Response[] {bKey.get(path), bKey.get(path + "?project_id=" + projectA),
        bKey.send("GET", path, null, "Accept", "text/csv"), bKey.delete(path)}) {
      assertThat(response.status()).as("%s", response).isEqualTo(404);
      assertThat(response.body()).doesNotContain("A revenue");
    }
    assertThat(bKey.get("/v1/reports").body()).doesNotContain(aReport.getString("id"));
    assertThat(bKey.post("/v1/reports", new JsonObject().put("project_id", projectA).put("report_type", "events"))
        .status()).isEqualTo(404);
    assertThat(rows(admin.get(path).json())).containsExactly(row(1, 100));
  }

  @Test
  @DisplayName("B's own report counts only B's events, for the same visitor id")
  void ownEventsOnly() {
    JsonObject report = create(bKey, new JsonObject().put("report_type", "events").put("date_range", JULY)
        .put("group_by", strings("visitor_id")).put("metrics", strings("count", "sum:revenue")));
    assertThat(rows(report)).containsExactly(row("shared", 1, 1));
    JsonObject retention = create(bKey, new JsonObject().put("report_type", "retention").put("date_range", JULY));
    // cohort 07-02 of 31 daily cohorts: period_0 = 100, no return in periods 1..29 (to 07-31), period_30 not observable
    JsonArray expected = row("2025-07-02", 1, 100.0);
    for (int k = 1; k <= 29; k++) {
      expected.add(0.0);
    }
    assertThat(rows(retention).getJsonArray(1)).isEqualTo(expected.addNull());
  }
}

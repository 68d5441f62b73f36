package io.echotag.reports;

import io.echotag.testing.Api;
import io.echotag.testing.TestGateway;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static io.echotag.reports.ReportFixtures.create;
import static io.echotag.reports.ReportFixtures.event;
import static io.echotag.reports.ReportFixtures.ingest;
import static io.echotag.reports.ReportFixtures.row;
import static io.echotag.reports.ReportFixtures.rows;
import static io.echotag.reports.ReportFixtures.strings;
import static org.assertj.core.api.Assertions.assertThat;

/** Saved reports: list, fresh results on read, CSV, delete, hostile field names. */
@DisplayName("saved reports are listed, re-run on read (JSON or CSV) and deleted")
class ReportApiTest {
  static final String HOSTILE = "url'); DROP TABLE events;--";
  static final JsonObject JUNE = new JsonObject().put("start", "2025-06-01").put("end", "2025-06-30");
  static TestGateway gateway;
  static Api api;

  @BeforeAll
  static void start() {
    gateway = TestGateway.start();
    api = gateway.api();
    ingest(api,
        event("page_view", "v1", "2025-06-02T10:00:00.000Z", new JsonObject().put("url", "/plain")),
        event("page_view", "v2", "2025-06-02T11:00:00.000Z",
            new JsonObject().put("url", "/a,\"quoted\"\nline").put(HOSTILE, 7)),
        event("page_view", "v2", "2025-06-03T11:00:00.000Z", new JsonObject().put("url", "/plain")));
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  @Test
  @DisplayName("a saved report over \"30d\" shows an event tracked after it was saved; list shows the definition")
  void rerunOnRead() {
    JsonObject saved = create(api, new JsonObject().put("name", "signups").put("report_type", "events")
        .put("date_range", "30d").put("group_by", strings("event_type")).put("metrics", strings("count"))
        .put("filters", new JsonObject().put("event.event_type", "signup")));
    assertThat(rows(saved)).isEmpty();
    assertThat(saved.getString("date_range")).isEqualTo("30d");

    Api.Response tracked = api.post("/v1/events", new JsonObject().put("event_type", "signup")
        .put("visitor_id", "new-visitor"));
    assertThat(tracked.status()).isEqualTo(201);
    Api.Response read = api.get("/v1/reports/" + saved.getString("id"));
    assertThat(read.status()).isEqualTo(200);
    assertThat(rows(read.json())).containsExactly(row("signup", 1));
    assertThat(Instant.parse(read.json().getString("generated_at")))
        .isAfterOrEqualTo(Instant.parse(saved.getString("generated_at")));
    assertThat(read.json().getString("name")).isEqualTo("signups");

    Api.Response list = api.get("/v1/reports?limit=100");
    assertThat(list.status()).isEqualTo(200);
    JsonObject listed = list.data().stream().map(JsonObject.class::cast)
        .filter(r -> r.getString("id").equals(saved.getString("id"))).findFirst().orElseThrow();
    assertThat(listed.getJsonArray("group_by")).isEqualTo(strings("event_type"));
    assertThat(listed.containsKey("results")).isFalse();
    assertThat(list.json().getBoolean("has_more")).isFalse();
  }

  @Test
  @DisplayName("Accept: text/csv answers the rows as RFC 4180 CSV under a header line of the columns")
  void csv() {
    JsonObject saved = create(api, new JsonObject().put("report_type", "events").put("date_range", JUNE)
        .put("group_by", strings("data.url")).put("metrics", strings("count", "unique_visitors")));
    Api.Response csv = api.send("GET", "/v1/reports/" + saved.getString("id"), null, "Accept", "text/csv");
    assertThat(csv.status()).isEqualTo(200);
    assertThat(csv.header("Content-Type")).startsWith("text/csv");
    assertThat(csv.body()).isEqualTo("data.url,count,unique_visitors\r\n"
        + "/plain,2,2\r\n"
        + "\"/a,\"\"quoted\"\"\nline\",1,1\r\n");
  }

  @Test
  @DisplayName("a report is deleted with 204, then 404 on read and on a second delete")
  void delete() {
    JsonObject saved = create(api, new JsonObject().put("report_type", "events").put("date_range", JUNE));
    assertThat(rows(saved)).containsExactly(row(3));
    String path = "/v1/reports/" + saved.getString("id");
    assertThat(api.delete(path).status()).isEqualTo(204);
    assertThat(api.get(path).status()).isEqualTo(404);
    assertThat(api.get(path).error().getString("code")).isEqualTo("report_not_found");
    assertThat(api.delete(path).status()).isEqualTo(404);
  }

  @Test
  @DisplayName("filters on visitor. fields read the visitor's profile: email and tags")
  void visitorFilters() {
    JsonObject october = new JsonObject().put("start", "2025-10-01").put("end", "2025-10-31");
    ingest(api, event("identify", "o1", "2025-10-02T10:00:00.000Z", new JsonObject().put("email", "ann@example.com")),
        event("page_view", "o1", "2025-10-02T10:01:00.000Z", null),
        event("page_view", "o2", "2025-10-02T10:02:00.000Z", null),
        event("page_view", "o3", "2025-10-02T10:03:00.000Z", null));
    assertThat(api.post("/v1/visitors/o3/tags", new JsonObject().put("tag", "vip")).status()).isIn(200, 201);
    JsonObject byEmail = create(api, new JsonObject().put("report_type", "events").put("date_range", october)
        .put("group_by", strings("event_type")).put("metrics", strings("count"))
        .put("filters", new JsonObject().put("visitor.email", new JsonObject().put("ends_with", "@example.com"))));
    assertThat(rows(byEmail)).containsExactly(row("identify", 1), row("page_view", 1));
    JsonObject byTag = create(api, new JsonObject().put("report_type", "events").put("date_range", october)
        .put("group_by", strings("visitor_id")).put("metrics", strings("count"))
        .put("filters", new JsonObject().put("visitor.tags", new JsonObject().put("contains", "vip"))));
    assertThat(rows(byTag)).containsExactly(row("o3", 1));
  }

  @Test
  @DisplayName("SQL in field names of group_by, metrics and filters is data: answers 2xx or 422, the events stay")
  void hostileFieldNames() {
    JsonObject report = create(api, new JsonObject().put("report_type", "events").put("date_range", JUNE)
        .put("group_by", strings("data." + HOSTILE)).put("metrics", strings("count", "sum:" + HOSTILE))
        .put("filters", new JsonObject().put(HOSTILE, new JsonObject().put("exists", true))));
    assertThat(rows(report)).containsExactly(row(7, 1, 7));

    JsonObject none = create(api, new JsonObject().put("report_type", "funnel").put("date_range", JUNE)
        .put("steps", new JsonArray().add(new JsonObject().put(HOSTILE, 1)).add("page_view")));
    assertThat(rows(none).getJsonArray(0).getLong(2)).isZero();

    for (JsonObject bad : new JsonObject[] {
        new JsonObject().put("report_type", "events").put("group_by", strings("event_type; DROP TABLE events;--")),
        new JsonObject().put("report_type", "events").put("metrics", strings("count; DROP TABLE events;--")),
        new JsonObject().put("report_type", "funnel").put("steps", strings("page_view", "x'); DROP TABLE events;--")),
        new JsonObject().put("report_type", "events; DROP TABLE events;--")}) {
      Api.Response response = api.post("/v1/reports", bad);
      assertThat(response.status()).as("%s", response).isEqualTo(422);
    }
    assertThat(gateway.count("SELECT count(*) FROM events WHERE project_id = $1", gateway.projectId()))
        .isGreaterThanOrEqualTo(3);
    assertThat(gateway.count("SELECT count(*) FROM reports")).isPositive();
  }
}

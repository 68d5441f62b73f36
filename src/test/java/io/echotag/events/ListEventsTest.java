package io.echotag.events;

import io.echotag.testing.Api;
import io.echotag.testing.TestGateway;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;

import static io.echotag.events.ErrorShape.assertInvalid;
import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("GET /v1/events: filters, empty values, newest first, paging")
class ListEventsTest {
  static TestGateway gateway;
  static Api api;
  static String project;
  /** Event ids by name, in the order of their timestamps (e1 oldest). */
  static String e1;
  static String e2;
  static String e3;
  static String e4;
  static String e5;

  @BeforeAll
  static void start() {
    gateway = TestGateway.start();
    api = gateway.api();
    // A project of its own, so that no other event can show up in these lists.
    project = api.post("/v1/projects", new JsonObject().put("name", "list-events")).json().getString("id");
    // Posted out of time order on purpose: the list order must come from the timestamps.
    e3 = track("page_view", "alice", "2025-03-02T23:59:59.999Z", null);
    e1 = track("page_view", "bob", "2025-03-01T10:00:00.000Z", null);
    e5 = track("page_view", "carol", "2025-03-04T12:00:00.000Z", "client-ses-1");
    e2 = track("purchase", "bob", "2025-03-02T09:00:00.000Z", null);
    e4 = track("signup", "alice", "2025-03-03T00:00:00.000Z", null);
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  static String track(String type, String visitor, String timestamp, String sessionId) {
    JsonObject event = new JsonObject().put("project_id", project).put("event_type", type).put("visitor_id", visitor)
        .put("timestamp", timestamp);
    if (sessionId != null) {
      event.put("session_id", sessionId);
    }
    Api.Response response = api.post("/v1/events", event);
    assertThat(response.status()).as("%s", response).isEqualTo(201);
    return response.json().getString("id");
  }

  /** The ids listed for {@code query} (added to this project's list URL). */
  static List<String> ids(String query) {
    Api.Response response = list(query);
    assertThat(response.status()).as("%s", response).isEqualTo(200);
    List<String> ids = new ArrayList<>();
    response.data().forEach(e -> ids.add(((JsonObject) e).getString("id")));
    return ids;
  }

  static Api.Response list(String query) {
    return api.get("/v1/events?project_id=" + project + (query.isEmpty() ? "" : "&" + query));
  }

  @Test
  @DisplayName("without filters every event of the project is listed, newest first, with the default limit 100")
  void all() {
    Api.Response response = list("");

    assertThat(ids("")).containsExactly(e5, e4, e3, e2, e1);
    JsonObject page = response.json();
    assertThat(page.getInteger("limit")).isEqualTo(100);
    assertThat(page.getInteger("offset")).isZero();
    assertThat(page.getBoolean("has_more")).isFalse();
    JsonObject newest = page.getJsonArray("data").getJsonObject(0);
    assertThat(newest).isEqualTo(
        TrackEventContractTest.withoutCauses(api.get("/v1/events/" + e5 + "?project_id=" + project).json()));
  }

  @Test
  @DisplayName("visitor_id filters by visitor")
  void byVisitor() {
    assertThat(ids("visitor_id=bob")).containsExactly(e2, e1);
    assertThat(ids("visitor_id=alice")).containsExactly(e4, e3);
    assertThat(ids("visitor_id=nobody")).isEmpty();
  }

  @Test
  @DisplayName("event_type filters by type")
  void byType() {
    assertThat(ids("event_type=page_view")).containsExactly(e5, e3, e1);
    assertThat(ids("event_type=purchase")).containsExactly(e2);
  }

  @Test
  @DisplayName("session_id filters by session, client-given or server-assigned")
  void bySession() {
    assertThat(ids("session_id=client-ses-1")).containsExactly(e5);
    String bobSession = api.get("/v1/events/" + e1 + "?project_id=" + project).json().getString("session_id");
    assertThat(bobSession).startsWith("ses_");
    assertThat(ids("session_id=" + bobSession)).contains(e1).doesNotContain(e5);
  }

  @Test
  @DisplayName("filters combine (AND)")
  void combined() {
    assertThat(ids("visitor_id=bob&event_type=page_view")).containsExactly(e1);
    assertThat(ids("visitor_id=alice&event_type=page_view&start_date=2025-03-03")).isEmpty();
  }

  @Test
  @DisplayName("start_date and end_date as YYYY-MM-DD are whole UTC days, end_date inclusive")
  void byDay() {
    assertThat(ids("start_date=2025-03-02&end_date=2025-03-02")).containsExactly(e3, e2);
    assertThat(ids("start_date=2025-03-03")).containsExactly(e5, e4);
    assertThat(ids("end_date=2025-03-01")).containsExactly(e1);
    assertThat(ids("start_date=2025-03-05")).isEmpty();
  }

  @Test
  @DisplayName("start_date and end_date as instants are inclusive bounds to the millisecond")
  void byInstant() {
    assertThat(ids("start_date=2025-03-02T23:59:59.999Z&end_date=2025-03-03T00:00:00.000Z")).containsExactly(e4, e3);
    assertThat(ids("start_date=2025-03-03T00:00:00.001Z&end_date=2025-03-04T11:59:59.999Z")).isEmpty();
    assertThat(ids("start_date=2025-03-02T10:00:00%2B01:00&end_date=2025-03-02T10:00:00%2B01:00"))
        .as("an offset is honoured: 10:00+01:00 is 09:00Z").containsExactly(e2);
  }

  @Test
  @DisplayName("date-only bounds follow the project's time zone")
  void projectTimeZone() {
    String ny = api.post("/v1/projects", new JsonObject().put("name", "list-ny").put("timezone", "America/New_York"))
        .json().getString("id");
    // 02:30Z on 2 March is 21:30 on 1 March in New York (UTC−5)
    String late = api.post("/v1/events", new JsonObject().put("project_id", ny).put("event_type", "page_view")
        .put("visitor_id", "dora").put("timestamp", "2025-03-02T02:30:00.000Z")).json().getString("id");

    Api.Response first = api.get("/v1/events?project_id=" + ny + "&start_date=2025-03-01&end_date=2025-03-01");
    Api.Response second = api.get("/v1/events?project_id=" + ny + "&start_date=2025-03-02&end_date=2025-03-02");

    assertThat(first.data()).extracting(e -> ((JsonObject) e).getString("id")).containsExactly(late);
    assertThat(second.data()).isEmpty();
  }

  @Test
  @DisplayName("empty query values mean no filter, exactly as if absent")
  void emptyValues() {
    assertThat(ids("event_type=&visitor_id=&session_id=&start_date=&end_date=&limit=&offset="))
        .containsExactly(e5, e4, e3, e2, e1);
    assertThat(list("event_type=&limit=").json().getInteger("limit")).isEqualTo(100);
  }

  @Test
  @DisplayName("limit and offset page through the list and has_more says whether another page exists")
  void paging() {
    Api.Response first = list("limit=2");
    Api.Response second = list("limit=2&offset=2");
    Api.Response last = list("limit=2&offset=4");
    Api.Response beyond = list("limit=2&offset=10");

    assertThat(ids("limit=2")).containsExactly(e5, e4);
    assertThat(ids("limit=2&offset=2")).containsExactly(e3, e2);
    assertThat(ids("limit=2&offset=4")).containsExactly(e1);
    assertThat(first.json().getBoolean("has_more")).isTrue();
    assertThat(second.json().getBoolean("has_more")).isTrue();
    assertThat(last.json().getBoolean("has_more")).isFalse();
    assertThat(beyond.data()).isEmpty();
    assertThat(beyond.json().getBoolean("has_more")).isFalse();
    assertThat(second.json().getInteger("limit")).isEqualTo(2);
    assertThat(second.json().getInteger("offset")).isEqualTo(2);
    assertThat(list("limit=5").json().getBoolean("has_more")).as("exactly limit rows left: no more").isFalse();
    assertThat(ids("limit=1000")).hasSize(5);
  }

  @Test
  @DisplayName("events with the same timestamp keep a stable order by id, so pages never repeat or skip one")
  void ties() {
    String tied = api.post("/v1/projects", new JsonObject().put("name", "list-ties")).json().getString("id");
    JsonArray events = new JsonArray();
    for (int i = 0; i < 7; i++) {
      events.add(new JsonObject().put("event_type", "tick").put("visitor_id", "v" + i)
          .put("timestamp", "2025-04-01T00:00:00.000Z"));
    }
    assertThat(api.post("/v1/events/batch", new JsonObject().put("project_id", tied).put("events", events))
        .json().getInteger("accepted")).isEqualTo(7);

    List<String> paged = new ArrayList<>();
    for (int offset = 0; offset < 7; offset += 3) {
      api.get("/v1/events?project_id=" + tied + "&limit=3&offset=" + offset).data()
          .forEach(e -> paged.add(((JsonObject) e).getString("id")));
    }
    List<String> whole = new ArrayList<>();
    api.get("/v1/events?project_id=" + tied).data().forEach(e -> whole.add(((JsonObject) e).getString("id")));

    assertThat(paged).doesNotHaveDuplicates().hasSize(7).isEqualTo(whole);
  }

  @ParameterizedTest(name = "limit={0}")
  @ValueSource(strings = {"0", "5000", "1001", "-1", "ten", "2.5"})
  @DisplayName("a limit outside 1..1000 or not a whole number is a 400 naming limit")
  void badLimit(String limit) {
    assertInvalid(list("limit=" + limit), "limit");
  }

  @Test
  @DisplayName("a negative or non-numeric offset is a 400 naming offset")
  void badOffset() {
    assertInvalid(list("offset=-1"), "offset");
    assertInvalid(list("offset=x"), "offset");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"start_date=2025-02-30", "start_date=yesterday", "end_date=2025-03-01T10:00",
      "end_date=03/01/2025"})
  @DisplayName("a date that is neither YYYY-MM-DD nor an instant is a 400 naming the parameter")
  void badDate(String query) {
    assertInvalid(list(query), query.substring(0, query.indexOf('=')));
  }
}

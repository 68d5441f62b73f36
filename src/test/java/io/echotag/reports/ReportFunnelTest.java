package io.echotag.reports;

import io.echotag.testing.Api;
import io.echotag.testing.TestGateway;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static io.echotag.reports.ReportFixtures.columns;
import static io.echotag.reports.ReportFixtures.create;
import static io.echotag.reports.ReportFixtures.event;
import static io.echotag.reports.ReportFixtures.ingest;
import static io.echotag.reports.ReportFixtures.row;
import static io.echotag.reports.ReportFixtures.rows;
import static io.echotag.reports.ReportFixtures.strings;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A page_view → add_to_cart → purchase funnel with a one-hour window, over six visitors whose paths
 * were checked by hand (see each visitor's comment).
 */
@DisplayName("funnel reports count visitors who did the steps in order within the window")
class ReportFunnelTest {
  static final Instant T0 = Instant.parse("2025-05-10T08:00:00Z");
  static final JsonObject MAY = new JsonObject().put("start", "2025-05-01").put("end", "2025-05-31");
  static TestGateway gateway;
  static Api api;

  static String at(long minutes) {
    return T0.plus(Duration.ofMinutes(minutes)).toString();
  }

  @BeforeAll
  static void start() {
    gateway = TestGateway.start();
    api = gateway.api();
    JsonObject pricing = new JsonObject().put("url", "https://shop.example/pricing");
    ingest(api,
        // v1: all three steps in order within 20 minutes → step 3
        event("page_view", "v1", at(0), pricing), event("add_to_cart", "v1", at(10), null),
        event("purchase", "v1", at(20), null),
        // v2: purchase before add_to_cart → step 2 only (the purchase does not count: out of order)
        event("page_view", "v2", at(0), null), event("purchase", "v2", at(5), null),
        event("add_to_cart", "v2", at(10), null),
        // v3: add_to_cart two hours after the page view → outside the window → step 1
        event("page_view", "v3", at(0), pricing), event("add_to_cart", "v3", at(120), null),
        // v4: never viewed a page → in no step
        event("add_to_cart", "v4", at(0), null), event("purchase", "v4", at(1), null),
        // v5: the first page view starts nothing, a later one starts a complete path → step 3
        event("page_view", "v5", at(0), null), event("page_view", "v5", at(180), null),
        event("add_to_cart", "v5", at(190), null), event("purchase", "v5", at(200), null),
        // v6: the purchase comes 61 minutes after the page view → step 2
        event("page_view", "v6", at(0), null), event("add_to_cart", "v6", at(30), null),
        event("purchase", "v6", at(61), null));
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  @Test
  @DisplayName("visitors per step and conversion from the previous step: 5, 4 (80 %), 2 (50 %)")
  void funnel() {
    JsonObject report = create(api, new JsonObject().put("report_type", "funnel").put("date_range", MAY)
        .put("steps", strings("page_view", "add_to_cart", "purchase")).put("window_ms", 3_600_000));
    assertThat(columns(report)).isEqualTo(strings("step", "name", "visitors", "conversion_rate"));
    assertThat(rows(report)).containsExactly(row(1, "page_view", 5, 100.0), row(2, "add_to_cart", 4, 80.0),
        row(3, "purchase", 2, 50.0));
    assertThat(report.getInteger("window_ms")).isEqualTo(3_600_000);
  }

  @Test
  @DisplayName("a wider window lets v3 and v6 through; a condition-object step narrows step 1 to pricing views")
  void windowAndConditionSteps() {
    JsonObject wide = create(api, new JsonObject().put("report_type", "funnel").put("date_range", MAY)
        .put("steps", strings("page_view", "add_to_cart", "purchase")).put("window_ms", 3 * 3_600_000));
    // v3 reaches add_to_cart (120 min); v6 buys at 61 min; v2 still never buys after its cart
    assertThat(rows(wide)).containsExactly(row(1, "page_view", 5, 100.0), row(2, "add_to_cart", 5, 100.0),
        row(3, "purchase", 3, 60.0));

    JsonObject step1 = new JsonObject().put("event.event_type", "page_view")
        .put("url", new JsonObject().put("contains", "/pricing"));
    JsonObject pricing = create(api, new JsonObject().put("report_type", "funnel").put("date_range", MAY)
        .put("steps", new JsonArray().add(step1).add("add_to_cart")).put("window_ms", 3_600_000));
    assertThat(rows(pricing)).containsExactly(row(1, step1.encode(), 2, 100.0), row(2, "add_to_cart", 1, 50.0));
  }

  @Test
  @DisplayName("filters apply to every step: visitors v1 and v2 only")
  void filtered() {
    JsonObject report = create(api, new JsonObject().put("report_type", "funnel").put("date_range", MAY)
        .put("steps", strings("page_view", "add_to_cart", "purchase")).put("window_ms", 3_600_000)
        .put("filters", new JsonObject().put("event.visitor_id", new JsonObject().put("in", strings("v1", "v2")))));
    assertThat(rows(report)).containsExactly(row(1, "page_view", 2, 100.0), row(2, "add_to_cart", 2, 100.0),
        row(3, "purchase", 1, 50.0));
  }
}

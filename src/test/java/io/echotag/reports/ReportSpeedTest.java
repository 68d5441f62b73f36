package io.echotag.reports;

import io.echotag.testing.Api;
import io.echotag.testing.TestGateway;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.time.Instant;

import static io.echotag.reports.ReportFixtures.strings;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A measurement, not a check: how long reports take over {@code echotag.bench.events} events
 * (default 200,000: 2,000 visitors over 30 days). Run with
 * {@code mvn -q -B -ntp test -Dtest=ReportSpeedTest -Dechotag.bench=true}; figures go to stdout.
 */
@EnabledIfSystemProperty(named = "echotag.bench", matches = "true")
@DisplayName("report run times over a large project (measurement)")
class ReportSpeedTest {
  static final String[] TYPES = {"page_view", "page_view", "page_view", "add_to_cart", "purchase"};

  @Test
  @DisplayName("events, filtered events, funnel and retention reports over the whole data set")
  void measure() {
    int total = Integer.getInteger("echotag.bench.events", 200_000);
    try (TestGateway gateway = TestGateway.start()) {
      Api api = gateway.api();
      Instant start = Instant.parse("2025-08-01T00:00:00Z");
      long ingestStarted = System.nanoTime();
      for (int sent = 0; sent < total; ) {
        JsonArray events = new JsonArray();
        for (int i = 0; i < 2500 && sent < total; i++, sent++) {
          JsonObject data = new JsonObject().put("url", "/p/" + (sent % 50)).put("revenue", sent % 97);
          events.add(new JsonObject().put("event_type", TYPES[sent % TYPES.length])
              .put("visitor_id", "v" + (sent % 2000)).put("data", data)
              .put("timestamp", start.plusSeconds((long) sent * 30L * 86_400L / total).toString()));
        }
        assertThat(api.post("/v1/events/batch", new JsonObject().put("events", events)).status()).isEqualTo(200);
      }
      System.out.printf("ingested %d events in %d ms%n", total, (System.nanoTime() - ingestStarted) / 1_000_000);
      JsonObject range = new JsonObject().put("start", "2025-08-01").put("end", "2025-08-31");
      time(api, "events by event_type: count, unique_visitors, sum:revenue", new JsonObject()
          .put("report_type", "events").put("date_range", range).put("group_by", strings("event_type"))
          .put("metrics", strings("count", "unique_visitors", "sum:revenue")));
      time(api, "events by day and data.url: count (1,500 groups)", new JsonObject()
          .put("report_type", "events").put("date_range", range).put("group_by", strings("day", "data.url"))
          .put("metrics", strings("count")));
      time(api, "events filtered by url contains \"/p/1\": count", new JsonObject()
          .put("report_type", "events").put("date_range", range)
          .put("filters", new JsonObject().put("url", new JsonObject().put("starts_with", "/p/1"))));
      time(api, "events filtered by event.event_type purchase (read through the type index): count", new JsonObject()
          .put("report_type", "events").put("date_range", range)
          .put("filters", new JsonObject().put("event.event_type", "purchase")));
      time(api, "funnel page_view > add_to_cart > purchase, 1 day", new JsonObject().put("report_type", "funnel")
          .put("date_range", range).put("steps", strings("page_view", "add_to_cart", "purchase")));
      time(api, "retention by day", new JsonObject().put("report_type", "retention").put("date_range", range));
    }
  }

  private static void time(Api api, String what, JsonObject definition) {
    for (int run = 0; run < 3; run++) {
      long started = System.nanoTime();
      Api.Response response = api.post("/v1/reports", definition);
      long ms = (System.nanoTime() - started) / 1_000_000;
      assertThat(response.status()).as("%s", response).isEqualTo(201);
      System.out.printf("%s: run %d: %d ms%n", what, run + 1, ms);
    }
  }
}

package io.echotag.reports;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import static io.echotag.reports.ReportFixtures.row;
import static org.assertj.core.api.Assertions.assertThat;

/** The pure parts of reports, without a server: funnel matching, number handling, CSV quoting. */
@DisplayName("report aggregations and CSV, without a server")
class AggregationTest {
  static ReportRow at(String type, String visitor, long second, JsonObject data) {
    JsonObject event = new JsonObject().put("event_type", type).put("visitor_id", visitor)
        .put("data", data == null ? new JsonObject() : data);
    return new ReportRow(event, Instant.ofEpochSecond(second), true, new JsonObject().put("id", visitor), null);
  }

  static List<FunnelStep> steps(Object... steps) {
    return java.util.Arrays.stream(steps).map(s -> FunnelStep.parse(s, "steps")).toList();
  }

  @Test
  @DisplayName("one event never fills two steps, even when it matches both")
  void oneEventOneStep() {
    FunnelAggregation funnel = new FunnelAggregation(steps("page_view",
        new JsonObject().put("event.event_type", "page_view")), 60_000);
    funnel.accept(at("page_view", "v1", 0, null));
    funnel.accept(at("page_view", "v2", 0, null));
    funnel.accept(at("page_view", "v2", 10, null));
    JsonArray rows = funnel.results().getJsonArray("rows");
    assertThat(rows.getJsonArray(0).getLong(2)).isEqualTo(2);
    assertThat(rows.getJsonArray(1).getLong(2)).isEqualTo(1);
    assertThat(rows.getJsonArray(1).getDouble(3)).isEqualTo(50.0);
  }

  @Test
  @DisplayName("a step with no visitors before it has conversion 0, not a division by zero")
  void emptyFunnel() {
    FunnelAggregation funnel = new FunnelAggregation(steps("a", "b"), 1000);
    assertThat(funnel.results().getJsonArray("rows")).containsExactly(row(1, "a", 0L, 100.0), row(2, "b", 0L, 0.0));
  }

  @Test
  @DisplayName("1 and 1.0 are one group; sums are exact decimals; strings, booleans and objects are not numbers")
  void numbers() {
    EventsAggregation events = new EventsAggregation(List.of(Dimension.parse("data.n", "group_by[0]")),
        List.of(Metric.parse("count", "metrics[0]"), Metric.parse("sum:price", "metrics[1]")), ZoneOffset.UTC,
        100, 100);
    events.accept(at("x", "v", 0, new JsonObject().put("n", 1).put("price", 0.1)));
    events.accept(at("x", "v", 0, new JsonObject().put("n", 1.0).put("price", 0.2)));
    events.accept(at("x", "v", 0, new JsonObject().put("n", 1L).put("price", "3")));
    events.accept(at("x", "v", 0, new JsonObject().put("n", "1").put("price", new JsonObject().put("a", 1))));
    events.accept(at("x", "v", 0, new JsonObject().put("price", true)));
    assertThat(events.results().getJsonArray("rows")).containsExactly(row(1, 3, 0.3), row("1", 1, 0), row(null, 1, 0));
  }

  @Test
  @DisplayName("CSV quotes fields with commas, quotes, CR or LF (quotes doubled), writes null as empty, JSON as text")
  void csv() {
    JsonObject results = new JsonObject().put("columns", new JsonArray().add("a").add("b,c"))
        .put("rows", new JsonArray()
            .add(new JsonArray().add("say \"hi\"").addNull())
            .add(new JsonArray().add("line\r\nbreak").add(new JsonObject().put("k", 1)))
            .add(new JsonArray().add(1.5).add(true)));
    assertThat(Csv.of(results)).isEqualTo("a,\"b,c\"\r\n"
        + "\"say \"\"hi\"\"\",\r\n"
        + "\"line\r\nbreak\",\"{\"\"k\"\":1}\"\r\n"
        + "1.5,true\r\n");
  }
}

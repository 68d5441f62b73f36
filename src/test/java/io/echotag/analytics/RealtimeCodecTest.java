package io.echotag.analytics;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class RealtimeCodecTest {
  @Test
  @DisplayName("a delta crosses the bus as JSON intact: counts, exact visitors or the sketch, recent events")
  void deltaRoundTrip() {
    RealtimeEvent event = new RealtimeEvent("evt_1", "page_view", "v1", "https://example.com/", 1234L,
        "{\"id\":\"evt_1\"}");
    VisitorSet exact = VisitorSet.exact(10, List.of("v1", "v2"));
    SecondDelta small = new SecondDelta("proj_a", 99, 3, Map.of("page_view", 2L, "click", 1L),
        Map.of("https://example.com/", 2L), exact, List.of(event));
    SecondDelta back = RealtimeCodec.delta(new JsonObject(RealtimeCodec.delta(small).encode()), 10);
    assertThat(back.projectId()).isEqualTo("proj_a");
    assertThat(back.second()).isEqualTo(99);
    assertThat(back.count()).isEqualTo(3);
    assertThat(back.byType()).isEqualTo(small.byType());
    assertThat(back.pages()).isEqualTo(small.pages());
    assertThat(back.visitors().ids()).containsExactlyInAnyOrder("v1", "v2");
    assertThat(back.recent()).containsExactly(event);

    VisitorSet many = new VisitorSet(10);
    for (int i = 0; i < 500; i++) {
      many.add("visitor-" + i);
    }
    SecondDelta big = new SecondDelta("proj_a", 99, 500, Map.of(), Map.of(), many, List.of());
    SecondDelta bigBack = RealtimeCodec.delta(new JsonObject(RealtimeCodec.delta(big).encode()), 10);
    assertThat(bigBack.visitors().isExact()).isFalse();
    assertThat(bigBack.visitors().sketch()).isEqualTo(many.sketch());
  }

  @Test
  @DisplayName("only page_view events with a string data.url count as page views")
  void pageViews() {
    JsonObject view = new JsonObject().put("id", "evt_1").put("event_type", "page_view").put("visitor_id", "v")
        .put("data", new JsonObject().put("url", "https://example.com/a"));
    assertThat(RealtimeCodec.event(view, 5).url()).isEqualTo("https://example.com/a");
    assertThat(RealtimeCodec.event(view.copy().put("event_type", "click"), 5).url()).isNull();
    assertThat(RealtimeCodec.event(view.copy().put("data", new JsonObject().put("url", 3)), 5).url()).isNull();
    assertThat(RealtimeCodec.event(view.copy().putNull("data"), 5).url()).isNull();
  }
}

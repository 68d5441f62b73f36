package io.echotag.triggers;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("TriggerGate: which conditions the ingest may judge from the event alone")
class TriggerGateTest {
  static boolean eventOnly(String json) {
    return TriggerGate.readsEventOnly(new JsonObject(json));
  }

  @Test
  @DisplayName("data fields, event fields, combinators and waits read only the event")
  void eventOnlyConditions() {
    assertThat(eventOnly("{}")).isTrue();
    assertThat(eventOnly("{\"url\": {\"contains\": \"/cart\"}, \"time_since_event\": {\"greater_than\": 1000}, \"no_purchase\": true}")).isTrue();
    assertThat(eventOnly("{\"any\": [{\"event.event_type\": \"a\"}, {\"not\": {\"plan\": \"free\"}}]}")).isTrue();
  }

  @Test
  @DisplayName("a visitor path or the session id anywhere, even nested in any/all/not, needs the engine")
  void visitorOrSessionNeedsTheEngine() {
    assertThat(eventOnly("{\"visitor.email\": {\"exists\": true}}")).isFalse();
    assertThat(eventOnly("{\"event.session_id\": \"ses_1\"}")).isFalse();
    assertThat(eventOnly("{\"all\": [{\"url\": \"x\"}, {\"any\": [{\"visitor.tags\": {\"contains\": \"vip\"}}]}]}")).isFalse();
    assertThat(eventOnly("{\"not\": {\"visitor.traits.plan\": \"pro\"}}")).isFalse();
  }
}

package io.echotag.triggers;

import io.echotag.http.ApiError;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static io.echotag.triggers.TestJson.event;
import static io.echotag.triggers.TestJson.json;
import static io.echotag.triggers.TestJson.visitor;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("wait conditions")
class WaitConditionsTest {
  private static final String CART_ABANDONMENT =
      "{'url': {'contains': '/cart'}, 'time_since_event': {'greater_than': 1800000}, 'no_purchase': true}";

  @Test
  @DisplayName("the cart-abandonment rule waits 30 minutes for no purchase, after a /cart event")
  void seedRule() {
    Conditions conditions = Conditions.parse(json(CART_ABANDONMENT));

    assertThat(conditions.waits()).isTrue();
    assertThat(conditions.waitMs()).isEqualTo(1_800_000L);
    assertThat(conditions.noEvents()).hasSize(1);
    assertThat(conditions.noEvents().get(0).eventType()).isEqualTo("purchase");
    assertThat(conditions.noEvents().get(0).condition()).isEmpty();

    EvalContext cart = EvalContext.of(event("add_to_cart", "{'url': 'https://s.test/cart'}"), visitor());
    EvalContext home = EvalContext.of(event("add_to_cart", "{'url': 'https://s.test/'}"), visitor());
    assertThat(conditions.immediate().matches(cart)).isTrue();
    assertThat(conditions.matches(cart)).isTrue();
    assertThat(conditions.matches(home)).isFalse();

    assertThat(conditions.cancelledBy(EvalContext.of(event("purchase", "{}"), visitor()))).isTrue();
    assertThat(conditions.cancelledBy(EvalContext.of(event("page_view", "{}"), visitor()))).isFalse();
  }

  @Test
  @DisplayName("rules without wait conditions run at once")
  void noWait() {
    Conditions conditions = Conditions.parse(json("{'url': '/cart', 'no_purchase': false}"));

    assertThat(conditions.waits()).isFalse();
    assertThat(conditions.waitMs()).isZero();
    assertThat(conditions.noEvents()).isEmpty();
  }

  @Test
  @DisplayName("a plain wait has no event to watch for and an always-true immediate part")
  void plainWait() {
    Conditions conditions = Conditions.parse(json("{'time_since_event': {'greater_than': 60000}}"));

    assertThat(conditions.waitMs()).isEqualTo(60_000L);
    assertThat(conditions.noEvents()).isEmpty();
    assertThat(conditions.immediate()).isSameAs(Condition.ALWAYS);
  }

  @Test
  @DisplayName("no_event takes an event type, or an object with conditions on the later event")
  void noEventForms() {
    Conditions conditions = Conditions.parse(json("{'time_since_event': {'greater_than': 1000},"
        + " 'no_event': {'event_type': 'page_view', 'url': {'contains': '/checkout'}}}"));

    assertThat(conditions.noEvents()).singleElement().satisfies(noEvent -> {
      assertThat(noEvent.eventType()).isEqualTo("page_view");
      assertThat(noEvent.condition()).isPresent();
    });
    assertThat(conditions.cancelledBy(EvalContext.of(event("page_view", "{'url': '/checkout/1'}"), null))).isTrue();
    assertThat(conditions.cancelledBy(EvalContext.of(event("page_view", "{'url': '/cart'}"), null))).isFalse();
    assertThat(conditions.cancelledBy(EvalContext.of(event("purchase", "{'url': '/checkout/1'}"), null))).isFalse();
  }

  @Test
  @DisplayName("no_event and no_purchase add up, and a list of event types is accepted")
  void severalNoEvents() {
    Conditions conditions = Conditions.parse(json("{'time_since_event': {'greater_than': 1000},"
        + " 'no_event': ['signup', {'event_type': 'form_submit', 'form': 'demo'}], 'no_purchase': true}"));

    assertThat(conditions.noEvents()).extracting(NoEvent::eventType)
        .containsExactly("signup", "form_submit", "purchase");
    assertThat(conditions.cancelledBy(EvalContext.of(event("signup", "{}"), null))).isTrue();
    assertThat(conditions.cancelledBy(EvalContext.of(event("form_submit", "{'form': 'newsletter'}"), null))).isFalse();
    assertThat(conditions.cancelledBy(EvalContext.of(event("form_submit", "{'form': 'demo'}"), null))).isTrue();
  }

  @Test
  @DisplayName("no_event \"*\" is broken by any event")
  void anyEvent() {
    Conditions conditions = Conditions.parse(json("{'time_since_event': {'greater_than': 1000}, 'no_event': '*'}"));

    assertThat(conditions.cancelledBy(EvalContext.of(event("page_view", "{}"), null))).isTrue();
  }

  static Stream<Arguments> invalid() {
    return Stream.of(
        Arguments.of("{'time_since_event': {'greater_than': 0}}", "conditions.time_since_event"),
        Arguments.of("{'time_since_event': {'greater_than': -5}}", "conditions.time_since_event"),
        Arguments.of("{'time_since_event': {'greater_than': 1.5}}", "conditions.time_since_event"),
        Arguments.of("{'time_since_event': {'greater_than': '1000'}}", "conditions.time_since_event"),
        Arguments.of("{'time_since_event': {'greater_than': 99999999999999}}", "conditions.time_since_event"),
        Arguments.of("{'time_since_event': {'less_than': 1000}}", "conditions.time_since_event"),
        Arguments.of("{'time_since_event': 1000}", "conditions.time_since_event"),
        Arguments.of("{'no_purchase': true}", "conditions.no_purchase"),
        Arguments.of("{'no_event': 'signup'}", "conditions.no_event"),
        Arguments.of("{'time_since_event': {'greater_than': 1000}, 'no_purchase': 'yes'}", "conditions.no_purchase"),
        Arguments.of("{'time_since_event': {'greater_than': 1000}, 'no_event': 'bad type!'}", "conditions.no_event"),
        Arguments.of("{'time_since_event': {'greater_than': 1000}, 'no_event': {'url': 'x'}}",
            "conditions.no_event.event_type"),
        Arguments.of("{'time_since_event': {'greater_than': 1000}, 'no_event': {'event_type': 'x', 'a': {'in': 1}}}",
            "conditions.no_event.a"),
        Arguments.of("{'time_since_event': {'greater_than': 1000},"
            + " 'no_event': {'event_type': 'x', 'no_purchase': true}}", "conditions.no_event.no_purchase"),
        Arguments.of("{'time_since_event': {'greater_than': 1000}, 'no_event': []}", "conditions.no_event"),
        Arguments.of("{'time_since_event': {'greater_than': 1000}, 'no_event': ['ok', 3]}", "conditions.no_event.1"));
  }

  @ParameterizedTest(name = "{0} fails at {1}")
  @MethodSource("invalid")
  @DisplayName("invalid wait conditions fail with a 422 naming the path")
  void invalidWaits(String conditions, String param) {
    assertThatThrownBy(() -> Conditions.parse(json(conditions)))
        .isInstanceOfSatisfying(ApiError.class, e -> {
          assertThat(e.status()).isEqualTo(422);
          assertThat(e.param()).isEqualTo(param);
          assertThat(e.getMessage()).startsWith(param + ": ");
        });
  }
}

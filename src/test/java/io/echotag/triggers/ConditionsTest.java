package io.echotag.triggers;

import io.echotag.http.ApiError;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.stream.Stream;

import static io.echotag.triggers.TestJson.event;
import static io.echotag.triggers.TestJson.holds;
import static io.echotag.triggers.TestJson.json;
import static io.echotag.triggers.TestJson.visitor;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

@DisplayName("the condition language")
class ConditionsTest {

  @Test
  @DisplayName("an empty or absent conditions object always holds")
  void emptyHolds() {
    assertThat(holds("{}", "{}")).isTrue();
    assertThat(Conditions.parse(null).matches(EvalContext.of(null, null))).isTrue();
  }

  @Test
  @DisplayName("\"field\": value is shorthand for equals, numbers by value")
  void shorthand() {
    assertThat(holds("{'plan': 'pro'}", "{'plan': 'pro'}")).isTrue();
    assertThat(holds("{'plan': 'pro'}", "{'plan': 'free'}")).isFalse();
    assertThat(holds("{'qty': 2}", "{'qty': 2.0}")).isTrue();
    assertThat(holds("{'plan': 'pro'}", "{}")).isFalse();
  }

  @Test
  @DisplayName("every entry of an object must hold, and so must every operator of one field")
  void entriesAreAnded() {
    String conditions = "{'url': {'starts_with': 'https://', 'contains': '/cart'}, 'revenue': {'greater_than': 10}}";

    assertThat(holds(conditions, "{'url': 'https://s.test/cart', 'revenue': 11}")).isTrue();
    assertThat(holds(conditions, "{'url': 'http://s.test/cart', 'revenue': 11}")).isFalse();
    assertThat(holds(conditions, "{'url': 'https://s.test/cart', 'revenue': 9}")).isFalse();
  }

  @Test
  @DisplayName("any holds when one alternative holds, all when every one does, not inverts")
  void combinators() {
    String any = "{'any': [{'currency': 'EUR'}, {'revenue': {'greater_than': 100}}]}";
    assertThat(holds(any, "{'currency': 'EUR', 'revenue': 1}")).isTrue();
    assertThat(holds(any, "{'currency': 'USD', 'revenue': 101}")).isTrue();
    assertThat(holds(any, "{'currency': 'USD', 'revenue': 1}")).isFalse();

    String all = "{'all': [{'currency': 'EUR'}, {'revenue': {'greater_than': 100}}]}";
    assertThat(holds(all, "{'currency': 'EUR', 'revenue': 101}")).isTrue();
    assertThat(holds(all, "{'currency': 'EUR', 'revenue': 1}")).isFalse();
    assertThat(holds("{'all': []}", "{}")).isTrue();

    String not = "{'not': {'url': {'contains': '/admin'}}}";
    assertThat(holds(not, "{'url': '/cart'}")).isTrue();
    assertThat(holds(not, "{'url': '/admin/users'}")).isFalse();

    String nested = "{'any': [{'not': {'all': [{'a': 1}, {'b': 2}]}}, {'c': 3}]}";
    assertThat(holds(nested, "{'a': 1, 'b': 2, 'c': 3}")).isTrue();
    assertThat(holds(nested, "{'a': 1, 'b': 2, 'c': 4}")).isFalse();
    assertThat(holds(nested, "{'a': 1, 'b': 5, 'c': 4}")).isTrue();
  }

  static Stream<Arguments> paths() {
    return Stream.of(
        Arguments.of("a bare name is event data", "{'url': '/cart'}", true),
        Arguments.of("a dotted path walks objects", "{'page.section': 'shop'}", true),
        Arguments.of("a list index walks lists", "{'products.0.price': 19.5}", true),
        Arguments.of("a second index", "{'products.1.id': 'p2'}", true),
        Arguments.of("an index past the end is missing", "{'products.5.id': {'exists': false}}", true),
        Arguments.of("an index into an object is a key", "{'page.0': {'exists': false}}", true),
        Arguments.of("event.data.x", "{'event.data.products.1.quantity': 3}", true),
        Arguments.of("event.x is event.data.x", "{'event.url': '/cart'}", true),
        Arguments.of("event.event_type", "{'event.event_type': 'add_to_cart'}", true),
        Arguments.of("event.visitor_id", "{'event.visitor_id': 'vis_1'}", true),
        Arguments.of("event.session_id", "{'event.session_id': 'ses_1'}", true),
        Arguments.of("event.timestamp", "{'event.timestamp': {'starts_with': '2025-01-27'}}", true),
        Arguments.of("visitor.id", "{'visitor.id': 'vis_1'}", true),
        Arguments.of("visitor.email", "{'visitor.email': {'ends_with': '@example.com'}}", true),
        Arguments.of("visitor.name", "{'visitor.name': 'Ada'}", true),
        Arguments.of("visitor.traits.x", "{'visitor.traits.plan': 'pro'}", true),
        Arguments.of("visitor.traits number", "{'visitor.traits.seats': {'greater_than': 10}}", true),
        Arguments.of("visitor.event_count", "{'visitor.event_count': {'greater_than_or_equal': 42}}", true),
        Arguments.of("visitor.session_count", "{'visitor.session_count': {'less_than': 4}}", true),
        Arguments.of("visitor.tags are names", "{'visitor.tags': {'contains': 'vip'}}", true),
        Arguments.of("visitor.tags with in", "{'visitor.tags': {'in': ['beta', 'gold']}}", true),
        Arguments.of("visitor.tags without a tag", "{'visitor.tags': {'not_contains': 'churned'}}", true),
        Arguments.of("visitor.tags by index", "{'visitor.tags.1': 'beta'}", true),
        Arguments.of("a missing trait", "{'visitor.traits.company': {'exists': false}}", true));
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("paths")
  @DisplayName("field paths reach event data, list elements, event fields and the visitor")
  void fieldPaths(String name, String conditions, boolean expected) {
    JsonObject event = event("add_to_cart", "{'url': '/cart', 'page': {'section': 'shop'},"
        + " 'products': [{'id': 'p1', 'price': 19.5, 'quantity': 1}, {'id': 'p2', 'price': 5, 'quantity': 3}]}");

    assertThat(Conditions.parse(json(conditions)).matches(EvalContext.of(event, visitor()))).isEqualTo(expected);
  }

  @Test
  @DisplayName("visitor tags given as plain names work as well as tag objects")
  void tagNames() {
    JsonObject visitor = json("{'id': 'vis_1', 'tags': ['vip']}");
    Conditions conditions = Conditions.parse(json("{'visitor.tags': {'contains': 'vip'}}"));

    assertThat(conditions.matches(EvalContext.of(event("x", "{}"), visitor))).isTrue();
  }

  @Test
  @DisplayName("without an event or a visitor every path under it is missing")
  void nullRoots() {
    Conditions visitorPresent = Conditions.parse(json("{'visitor.email': {'exists': true}}"));
    Conditions urlAbsent = Conditions.parse(json("{'url': {'exists': false}, 'visitor.id': {'not_equals': 'x'}}"));

    assertThat(visitorPresent.matches(EvalContext.of(event("x", "{}"), null))).isFalse();
    assertThat(urlAbsent.matches(EvalContext.of(null, null))).isTrue();
  }

  static Stream<Arguments> invalid() {
    return Stream.of(
        Arguments.of("{'url': {'containz': '/cart'}}", "conditions.url", "conditions.url: unknown operator \"containz\""),
        Arguments.of("{'any': [{'url': {'containz': 'x'}}]}", "conditions.any.0.url",
            "conditions.any.0.url: unknown operator \"containz\""),
        Arguments.of("{'coupon': {'exists': 'yes'}}", "conditions.coupon",
            "conditions.coupon: \"exists\" takes true or false, not a string"),
        Arguments.of("{'url': {'matches': '" + "a".repeat(257) + "'}}", "conditions.url",
            "conditions.url: \"matches\" pattern is longer than 256 characters"),
        Arguments.of("{'url': {'matches': '(unclosed'}}", "conditions.url", null),
        Arguments.of("{'any': [{'no_purchase': true}]}", "conditions.any.0.no_purchase", null),
        Arguments.of("{'not': {'time_since_event': {'greater_than': 1000}}}", "conditions.not.time_since_event", null),
        Arguments.of("{'all': [{'a': 1}, {'b': {'no_event': 'x'}}]}", "conditions.all.1.b", null),
        Arguments.of("{'all': [{'a': 1}, {'no_event': 'purchase'}]}", "conditions.all.1.no_event", null),
        Arguments.of("{'any': []}", "conditions.any", null),
        Arguments.of("{'any': {'a': 1}}", "conditions.any", null),
        Arguments.of("{'all': [{'a': 1}, 'b']}", "conditions.all.1", null),
        Arguments.of("{'not': [{'a': 1}]}", "conditions.not", null),
        Arguments.of("{'url': {}}", "conditions.url", null),
        Arguments.of("{'url': null}", "conditions.url", null),
        Arguments.of("{'url': {'starts_with': 3}}", "conditions.url", null),
        Arguments.of("{'revenue': {'greater_than': [1]}}", "conditions.revenue", null),
        Arguments.of("{'currency': {'in': 'EUR'}}", "conditions.currency", null),
        Arguments.of("{'visitor.plan': 'pro'}", "conditions.visitor.plan",
            "conditions.visitor.plan: unknown visitor field \"plan\" in \"visitor.plan\"; custom traits are under "
                + "visitor.traits.plan"),
        Arguments.of("{'visitor': 'x'}", "conditions.visitor", null),
        Arguments.of("{'products..price': 1}", "conditions.products..price", null));
  }

  @ParameterizedTest(name = "{0} fails at {1}")
  @MethodSource("invalid")
  @DisplayName("invalid conditions fail with a 422 naming the path")
  void invalidConditions(String conditions, String param, String message) {
    assertThatThrownBy(() -> Conditions.parse(json(conditions)))
        .isInstanceOfSatisfying(ApiError.class, e -> {
          assertThat(e.status()).isEqualTo(422);
          assertThat(e.param()).isEqualTo(param);
          assertThat(e.getMessage()).startsWith(param + ": ");
          if (message != null) {
            assertThat(e.getMessage()).isEqualTo(message);
          }
        });
  }

  @Test
  @DisplayName("deeply nested conditions are refused instead of exhausting the stack")
  void depthLimit() {
    JsonObject conditions = new JsonObject().put("a", 1);
    for (int i = 0; i < 40; i++) {
      conditions = new JsonObject().put("not", conditions);
    }
    JsonObject tooDeep = conditions;

    assertThatThrownBy(() -> Conditions.parse(tooDeep))
        .isInstanceOfSatisfying(ApiError.class, e -> assertThat(e.getMessage()).contains("nested more than"));
  }

  static Stream<String> regexBombs() {
    // The JDK's matcher memoizes repeated groups since Java 9, which defuses (a+)+$; a bounded
    // repeat of .* is still polynomial of degree 12 (minutes on this input without the budget).
    return Stream.of("(a+)+$", "(.*a){12}$", "(.*a){20}$");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("regexBombs")
  @DisplayName("a catastrophic regular expression gives up quickly and counts as no match")
  void regexBomb(String pattern) {
    Conditions conditions = Conditions.parse(new JsonObject().put("input", new JsonObject().put("matches", pattern)));
    EvalContext ctx = EvalContext.of(event("x", "{'input': 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!'}"), null);

    boolean matched = assertTimeoutPreemptively(Duration.ofSeconds(2), () -> conditions.matches(ctx));

    assertThat(matched).isFalse();
  }

  @Test
  @DisplayName("the step budget is spent per evaluation: a rule that gave up once still matches a fair input")
  void budgetPerEvaluation() {
    Conditions conditions = Conditions.parse(json("{'input': {'matches': '(.*a){12}$'}}"));
    conditions.matches(EvalContext.of(event("x", "{'input': 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!'}"), null));

    assertThat(conditions.matches(EvalContext.of(event("x", "{'input': 'aaaaaaaaaaaa'}"), null))).isTrue();
  }

  @Test
  @DisplayName("a compiled rule is not changed when its source JSON is changed afterwards")
  void immutable() {
    JsonObject source = json("{'currency': {'in': ['EUR']}}");
    Conditions conditions = Conditions.parse(source);
    source.getJsonObject("currency").getJsonArray("in").add("USD");

    assertThat(conditions.matches(EvalContext.of(event("x", "{'currency': 'USD'}"), null))).isFalse();
  }
}

package io.echotag.triggers;

import io.echotag.http.ApiError;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static io.echotag.triggers.TestJson.event;
import static io.echotag.triggers.TestJson.json;
import static io.echotag.triggers.TestJson.value;
import static io.echotag.triggers.TestJson.visitor;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("action templates")
class TemplatesTest {
  private static final TemplateContext CTX = new TemplateContext(
      event("add_to_cart", "{'cart_value': 129.9, 'cart_items': [{'id': 'p1'}], 'coupon': null, 'gift': false}"),
      visitor(), json("{'id': 'trig_1', 'name': 'Cart abandonment'}"), "exec_1");

  @Test
  @DisplayName("the seed webhook body keeps the cart value a number and the items a list")
  void seedWebhookBody() {
    JsonObject body = json("{'visitor_id': '{{visitor.id}}', 'cart_value': '{{event.cart_value}}',"
        + " 'cart_items': '{{event.cart_items}}'}");

    Object rendered = Templates.render(body, CTX);

    assertThat(rendered).isEqualTo(json("{'visitor_id': 'vis_1', 'cart_value': 129.9, 'cart_items': [{'id': 'p1'}]}"));
    JsonObject object = (JsonObject) rendered;
    assertThat(object.getValue("cart_value")).isInstanceOf(Number.class);
    assertThat(object.getValue("cart_items")).isInstanceOf(JsonArray.class);
    assertThat(body.getString("cart_value")).isEqualTo("{{event.cart_value}}");
  }

  static Stream<Arguments> wholeValues() {
    return Stream.of(
        Arguments.of("{{visitor.id}}", "'vis_1'"),
        Arguments.of("{{ visitor.email }}", "'ada@example.com'"),
        Arguments.of("{{visitor.tags}}", "['vip', 'beta']"),
        Arguments.of("{{visitor.traits.plan}}", "'pro'"),
        Arguments.of("{{visitor.traits.seats}}", "12"),
        Arguments.of("{{visitor.traits}}", "{'plan': 'pro', 'seats': 12}"),
        Arguments.of("{{event.id}}", "'evt_1'"),
        Arguments.of("{{event.event_type}}", "'add_to_cart'"),
        Arguments.of("{{event.timestamp}}", "'2025-01-27T10:15:30.123Z'"),
        Arguments.of("{{event.data.cart_value}}", "129.9"),
        Arguments.of("{{event.cart_items.0.id}}", "'p1'"),
        Arguments.of("{{event.gift}}", "false"),
        Arguments.of("{{trigger.id}}", "'trig_1'"),
        Arguments.of("{{trigger.name}}", "'Cart abandonment'"),
        Arguments.of("{{execution.id}}", "'exec_1'"),
        Arguments.of("{{event.coupon}}", "null"),
        Arguments.of("{{event.nothing.here}}", "null"),
        Arguments.of("{{visitor.traits.company}}", "null"));
  }

  @ParameterizedTest(name = "\"{0}\" renders {1}")
  @MethodSource("wholeValues")
  @DisplayName("a string that is one placeholder becomes the value with its JSON type")
  void wholeValue(String template, String expected) {
    assertThat(Templates.render(template, CTX)).isEqualTo(value(expected));
  }

  static Stream<Arguments> texts() {
    return Stream.of(
        Arguments.of("Hello {{visitor.name}}!", "Hello Ada!"),
        Arguments.of("{{visitor.id}}/{{event.id}}", "vis_1/evt_1"),
        Arguments.of("cart {{event.cart_value}} EUR", "cart 129.9 EUR"),
        Arguments.of("items: {{event.cart_items}}", "items: [{\"id\":\"p1\"}]"),
        Arguments.of("tags={{visitor.tags}}", "tags=[\"vip\",\"beta\"]"),
        Arguments.of("coupon: [{{event.coupon}}]", "coupon: []"),
        Arguments.of(" {{visitor.id}}", " vis_1"),
        Arguments.of("no placeholders", "no placeholders"),
        Arguments.of("single { and }} braces", "single { and }} braces"),
        Arguments.of("", ""));
  }

  @ParameterizedTest(name = "\"{0}\" renders \"{1}\"")
  @MethodSource("texts")
  @DisplayName("inside a longer string values are inserted as text, missing ones as nothing")
  void text(String template, String expected) {
    assertThat(Templates.render(template, CTX)).isEqualTo(expected);
  }

  @Test
  @DisplayName("objects and lists render recursively; keys and other values stay as they are")
  void recursive() {
    JsonObject template = json("{'{{visitor.id}}': [1, true, null, {'who': '{{visitor.email}}'}], 'n': 2}");

    assertThat(Templates.render(template, CTX))
        .isEqualTo(json("{'{{visitor.id}}': [1, true, null, {'who': 'ada@example.com'}], 'n': 2}"));
  }

  @Test
  @DisplayName("an empty context renders every placeholder as missing")
  void emptyContext() {
    TemplateContext empty = new TemplateContext(null, null, null, null);

    assertThat(Templates.render(json("{'a': '{{visitor.id}}', 'b': 'x{{execution.id}}y'}"), empty))
        .isEqualTo(json("{'a': null, 'b': 'xy'}"));
  }

  @Test
  @DisplayName("a rendered value does not share state with the event it came from")
  void copies() {
    JsonArray items = (JsonArray) Templates.render("{{event.cart_items}}", CTX);
    items.add("mutated");

    assertThat(CTX.event().getJsonObject("data").getJsonArray("cart_items")).hasSize(1);
  }

  @Test
  @DisplayName("rendering never fails on what validation would refuse")
  void lenientRender() {
    assertThat(Templates.render("{{nope.x}}", CTX)).isNull();
    assertThat(Templates.render("a {{visitor.id", CTX)).isEqualTo("a {{visitor.id");
    assertThat(Templates.render("{{a {{visitor.id}}", CTX)).isEqualTo("{{a vis_1");
  }

  static Stream<Arguments> invalid() {
    return Stream.of(
        Arguments.of("{'visitor_id': '{{visitor.id}}', 'cart_value': '{{event.cart_value'}", "actions.1.body.cart_value",
            "unclosed \"{{\""),
        Arguments.of("{'cart_value': '{{cart.value}}'}", "actions.1.body.cart_value", "unknown placeholder root \"cart\""),
        Arguments.of("{'items': ['ok', 'x {{}} y']}", "actions.1.body.items.1", "empty placeholder"),
        Arguments.of("{'a': {'b': '{{visitor.plan}}'}}", "actions.1.body.a.b", "unknown visitor field \"plan\""),
        Arguments.of("{'a': '{{trigger.owner}}'}", "actions.1.body.a", "unknown trigger field \"owner\""),
        Arguments.of("{'a': '{{event..x}}'}", "actions.1.body.a", "empty segment"),
        Arguments.of("{'a': '{{event. x}}'}", "actions.1.body.a", "spaces"),
        Arguments.of("{'a': '{{a {{event.x}}'}", "actions.1.body.a", "unclosed \"{{\""));
  }

  @ParameterizedTest(name = "{0} fails at {1}")
  @MethodSource("invalid")
  @DisplayName("validation fails with a 422 naming the path of the broken string")
  void invalidTemplates(String template, String param, String detail) {
    assertThatThrownBy(() -> Templates.validate(json(template), "actions.1.body"))
        .isInstanceOfSatisfying(ApiError.class, e -> {
          assertThat(e.status()).isEqualTo(422);
          assertThat(e.param()).isEqualTo(param);
          assertThat(e.getMessage()).startsWith(param + ": ").contains(detail);
        });
  }

  @Test
  @DisplayName("valid templates of every root pass validation")
  void validTemplates() {
    JsonObject template = json("{'a': '{{visitor.id}} {{visitor.traits.plan}} {{event.x.0}} {{event}}',"
        + " 'b': ['{{ trigger.name }}', '{{execution.id}}', 3, null], 'c': 'plain'}");

    assertThatCode(() -> Templates.validate(template, "actions.0.body")).doesNotThrowAnyException();
    assertThatCode(() -> Templates.validate("{{event.id}}", "actions.0.url")).doesNotThrowAnyException();
  }
}

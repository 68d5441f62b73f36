package io.echotag.triggers;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static io.echotag.triggers.TestJson.holds;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * One table per operator: a match, a miss, a missing field and a value of the wrong type. Each
 * row is (case, conditions, event data, expected).
 */
@DisplayName("condition operators")
class OperatorsTest {
  private static final String NAME = "{0}: {1} on {2} is {3}";

  private static Arguments row(String name, String conditions, String data, boolean expected) {
    return Arguments.of(name, conditions, data, expected);
  }

  static Stream<Arguments> equalsTable() {
    return Stream.of(
        row("equal strings", "{'plan': {'equals': 'pro'}}", "{'plan': 'pro'}", true),
        row("different strings", "{'plan': {'equals': 'pro'}}", "{'plan': 'Pro'}", false),
        row("missing field", "{'plan': {'equals': 'pro'}}", "{}", false),
        row("null field counts as missing", "{'plan': {'equals': 'pro'}}", "{'plan': null}", false),
        row("number and its numeric string", "{'qty': {'equals': 10}}", "{'qty': '10'}", true),
        row("integer and decimal", "{'qty': {'equals': 10}}", "{'qty': 10.0}", true),
        row("two strings never compare as numbers", "{'qty': {'equals': '10'}}", "{'qty': '10.0'}", false),
        row("wrong type: boolean vs string", "{'ok': {'equals': 'true'}}", "{'ok': true}", false),
        row("booleans", "{'ok': {'equals': true}}", "{'ok': true}", true),
        row("lists element by element", "{'ids': {'equals': [1, 'a']}}", "{'ids': [1.0, 'a']}", true),
        row("objects key by key", "{'o': {'equals': {'a': 1}}}", "{'o': {'a': 1, 'b': 2}}", false));
  }

  @ParameterizedTest(name = NAME)
  @MethodSource("equalsTable")
  @DisplayName("equals")
  void equalsOperator(String name, String conditions, String data, boolean expected) {
    assertThat(holds(conditions, data)).isEqualTo(expected);
  }

  static Stream<Arguments> notEqualsTable() {
    return Stream.of(
        row("different", "{'plan': {'not_equals': 'pro'}}", "{'plan': 'free'}", true),
        row("equal", "{'plan': {'not_equals': 'pro'}}", "{'plan': 'pro'}", false),
        row("missing field holds", "{'plan': {'not_equals': 'pro'}}", "{}", true),
        row("wrong type is not equal", "{'qty': {'not_equals': 3}}", "{'qty': 'three'}", true),
        row("numeric string equal to the number", "{'qty': {'not_equals': 3}}", "{'qty': '3'}", false));
  }

  @ParameterizedTest(name = NAME)
  @MethodSource("notEqualsTable")
  @DisplayName("not_equals")
  void notEqualsOperator(String name, String conditions, String data, boolean expected) {
    assertThat(holds(conditions, data)).isEqualTo(expected);
  }

  static Stream<Arguments> containsTable() {
    return Stream.of(
        row("substring", "{'url': {'contains': '/cart'}}", "{'url': 'https://shop.test/cart?x=1'}", true),
        row("no substring", "{'url': {'contains': '/cart'}}", "{'url': 'https://shop.test/'}", false),
        row("case-sensitive", "{'url': {'contains': '/CART'}}", "{'url': 'https://shop.test/cart'}", false),
        row("list membership", "{'skus': {'contains': 'p2'}}", "{'skus': ['p1', 'p2']}", true),
        row("list without the element", "{'skus': {'contains': 'p3'}}", "{'skus': ['p1', 'p2']}", false),
        row("list membership is by element, not substring", "{'skus': {'contains': 'p'}}", "{'skus': ['p1']}", false),
        row("number in a list", "{'ids': {'contains': 2}}", "{'ids': [1, 2.0]}", true),
        row("missing field", "{'url': {'contains': '/cart'}}", "{}", false),
        row("wrong type: number", "{'url': {'contains': '1'}}", "{'url': 123}", false));
  }

  @ParameterizedTest(name = NAME)
  @MethodSource("containsTable")
  @DisplayName("contains")
  void containsOperator(String name, String conditions, String data, boolean expected) {
    assertThat(holds(conditions, data)).isEqualTo(expected);
  }

  static Stream<Arguments> notContainsTable() {
    return Stream.of(
        row("no substring", "{'url': {'not_contains': '/admin'}}", "{'url': '/cart'}", true),
        row("substring", "{'url': {'not_contains': '/cart'}}", "{'url': '/cart/1'}", false),
        row("list without the element", "{'skus': {'not_contains': 'p3'}}", "{'skus': ['p1']}", true),
        row("list with the element", "{'skus': {'not_contains': 'p1'}}", "{'skus': ['p1']}", false),
        row("missing field holds", "{'url': {'not_contains': '/cart'}}", "{}", true),
        row("wrong type holds", "{'url': {'not_contains': '1'}}", "{'url': 123}", true));
  }

  @ParameterizedTest(name = NAME)
  @MethodSource("notContainsTable")
  @DisplayName("not_contains")
  void notContainsOperator(String name, String conditions, String data, boolean expected) {
    assertThat(holds(conditions, data)).isEqualTo(expected);
  }

  static Stream<Arguments> startsWithTable() {
    return Stream.of(
        row("prefix", "{'url': {'starts_with': 'https://'}}", "{'url': 'https://shop.test'}", true),
        row("no prefix", "{'url': {'starts_with': 'https://'}}", "{'url': 'http://shop.test'}", false),
        row("missing field", "{'url': {'starts_with': 'https://'}}", "{}", false),
        row("wrong type: number", "{'code': {'starts_with': '12'}}", "{'code': 1234}", false));
  }

  @ParameterizedTest(name = NAME)
  @MethodSource("startsWithTable")
  @DisplayName("starts_with")
  void startsWithOperator(String name, String conditions, String data, boolean expected) {
    assertThat(holds(conditions, data)).isEqualTo(expected);
  }

  static Stream<Arguments> endsWithTable() {
    return Stream.of(
        row("suffix", "{'email': {'ends_with': '@example.com'}}", "{'email': 'ada@example.com'}", true),
        row("no suffix", "{'email': {'ends_with': '@example.com'}}", "{'email': 'ada@example.org'}", false),
        row("missing field", "{'email': {'ends_with': '.com'}}", "{}", false),
        row("wrong type: list", "{'email': {'ends_with': '.com'}}", "{'email': ['a.com']}", false));
  }

  @ParameterizedTest(name = NAME)
  @MethodSource("endsWithTable")
  @DisplayName("ends_with")
  void endsWithOperator(String name, String conditions, String data, boolean expected) {
    assertThat(holds(conditions, data)).isEqualTo(expected);
  }

  static Stream<Arguments> matchesTable() {
    return Stream.of(
        row("found anywhere", "{'url': {'matches': '/products/[0-9]+'}}", "{'url': 'https://s.test/products/42?a'}", true),
        row("anchored whole match", "{'sku': {'matches': '^[A-Z]{2}-[0-9]{3}$'}}", "{'sku': 'AB-123'}", true),
        row("no match", "{'sku': {'matches': '^[A-Z]{2}-[0-9]{3}$'}}", "{'sku': 'AB-1234'}", false),
        row("inline flags", "{'title': {'matches': '(?i)^sale'}}", "{'title': 'SALE now'}", true),
        row("missing field", "{'url': {'matches': '.*'}}", "{}", false),
        row("wrong type: number", "{'n': {'matches': '[0-9]+'}}", "{'n': 42}", false));
  }

  @ParameterizedTest(name = NAME)
  @MethodSource("matchesTable")
  @DisplayName("matches")
  void matchesOperator(String name, String conditions, String data, boolean expected) {
    assertThat(holds(conditions, data)).isEqualTo(expected);
  }

  static Stream<Arguments> greaterThanTable() {
    return Stream.of(
        row("greater number", "{'revenue': {'greater_than': 100}}", "{'revenue': 129.9}", true),
        row("equal number", "{'revenue': {'greater_than': 100}}", "{'revenue': 100}", false),
        row("numeric string against a number", "{'revenue': {'greater_than': 9}}", "{'revenue': '10'}", true),
        row("strings compare as strings", "{'code': {'greater_than': '9'}}", "{'code': '10'}", false),
        row("ISO timestamps order by time", "{'at': {'greater_than': '2025-01-01T00:00:00.000Z'}}",
            "{'at': '2025-02-01T00:00:00.000Z'}", true),
        row("missing field", "{'revenue': {'greater_than': 0}}", "{}", false),
        row("wrong type: text against a number", "{'revenue': {'greater_than': 0}}", "{'revenue': 'lots'}", false),
        row("wrong type: boolean", "{'revenue': {'greater_than': 0}}", "{'revenue': true}", false));
  }

  @ParameterizedTest(name = NAME)
  @MethodSource("greaterThanTable")
  @DisplayName("greater_than")
  void greaterThanOperator(String name, String conditions, String data, boolean expected) {
    assertThat(holds(conditions, data)).isEqualTo(expected);
  }

  static Stream<Arguments> greaterThanOrEqualTable() {
    return Stream.of(
        row("equal number", "{'qty': {'greater_than_or_equal': 2}}", "{'qty': 2.0}", true),
        row("smaller number", "{'qty': {'greater_than_or_equal': 2}}", "{'qty': 1}", false),
        row("missing field", "{'qty': {'greater_than_or_equal': 2}}", "{}", false),
        row("wrong type: object", "{'qty': {'greater_than_or_equal': 2}}", "{'qty': {'n': 3}}", false));
  }

  @ParameterizedTest(name = NAME)
  @MethodSource("greaterThanOrEqualTable")
  @DisplayName("greater_than_or_equal")
  void greaterThanOrEqualOperator(String name, String conditions, String data, boolean expected) {
    assertThat(holds(conditions, data)).isEqualTo(expected);
  }

  static Stream<Arguments> lessThanTable() {
    return Stream.of(
        row("smaller number", "{'price': {'less_than': 10}}", "{'price': 9.99}", true),
        row("equal number", "{'price': {'less_than': 10}}", "{'price': 10}", false),
        row("negative numbers", "{'delta': {'less_than': -1}}", "{'delta': -2}", true),
        row("missing field", "{'price': {'less_than': 10}}", "{}", false),
        row("wrong type: list", "{'price': {'less_than': 10}}", "{'price': [1]}", false));
  }

  @ParameterizedTest(name = NAME)
  @MethodSource("lessThanTable")
  @DisplayName("less_than")
  void lessThanOperator(String name, String conditions, String data, boolean expected) {
    assertThat(holds(conditions, data)).isEqualTo(expected);
  }

  static Stream<Arguments> lessThanOrEqualTable() {
    return Stream.of(
        row("equal number", "{'price': {'less_than_or_equal': 10}}", "{'price': 10.0}", true),
        row("greater number", "{'price': {'less_than_or_equal': 10}}", "{'price': 10.01}", false),
        row("strings", "{'name': {'less_than_or_equal': 'b'}}", "{'name': 'abc'}", true),
        row("missing field", "{'price': {'less_than_or_equal': 10}}", "{}", false),
        row("wrong type: boolean", "{'price': {'less_than_or_equal': 10}}", "{'price': false}", false));
  }

  @ParameterizedTest(name = NAME)
  @MethodSource("lessThanOrEqualTable")
  @DisplayName("less_than_or_equal")
  void lessThanOrEqualOperator(String name, String conditions, String data, boolean expected) {
    assertThat(holds(conditions, data)).isEqualTo(expected);
  }

  static Stream<Arguments> inTable() {
    return Stream.of(
        row("one of the values", "{'currency': {'in': ['EUR', 'USD']}}", "{'currency': 'USD'}", true),
        row("none of the values", "{'currency': {'in': ['EUR', 'USD']}}", "{'currency': 'GBP'}", false),
        row("numbers by value", "{'step': {'in': [1, 2]}}", "{'step': 2.0}", true),
        row("a list is in when one element is", "{'skus': {'in': ['p9', 'p2']}}", "{'skus': ['p1', 'p2']}", true),
        row("a list with no element in", "{'skus': {'in': ['p9']}}", "{'skus': ['p1', 'p2']}", false),
        row("empty list of values", "{'currency': {'in': []}}", "{'currency': 'USD'}", false),
        row("missing field", "{'currency': {'in': ['EUR']}}", "{}", false),
        row("wrong type: boolean", "{'currency': {'in': ['EUR']}}", "{'currency': true}", false));
  }

  @ParameterizedTest(name = NAME)
  @MethodSource("inTable")
  @DisplayName("in")
  void inOperator(String name, String conditions, String data, boolean expected) {
    assertThat(holds(conditions, data)).isEqualTo(expected);
  }

  static Stream<Arguments> notInTable() {
    return Stream.of(
        row("none of the values", "{'country': {'not_in': ['FR', 'DE']}}", "{'country': 'IT'}", true),
        row("one of the values", "{'country': {'not_in': ['FR', 'DE']}}", "{'country': 'FR'}", false),
        row("a list with one element in", "{'skus': {'not_in': ['p2']}}", "{'skus': ['p1', 'p2']}", false),
        row("missing field holds", "{'country': {'not_in': ['FR']}}", "{}", true),
        row("wrong type holds", "{'country': {'not_in': ['FR']}}", "{'country': 33}", true));
  }

  @ParameterizedTest(name = NAME)
  @MethodSource("notInTable")
  @DisplayName("not_in")
  void notInOperator(String name, String conditions, String data, boolean expected) {
    assertThat(holds(conditions, data)).isEqualTo(expected);
  }

  static Stream<Arguments> existsTable() {
    return Stream.of(
        row("present, exists true", "{'coupon': {'exists': true}}", "{'coupon': 'X1'}", true),
        row("present, exists false", "{'coupon': {'exists': false}}", "{'coupon': 'X1'}", false),
        row("missing, exists true", "{'coupon': {'exists': true}}", "{}", false),
        row("missing, exists false", "{'coupon': {'exists': false}}", "{}", true),
        row("null counts as missing", "{'coupon': {'exists': false}}", "{'coupon': null}", true),
        row("false and empty values exist", "{'a': {'exists': true}, 'b': {'exists': true}}", "{'a': false, 'b': ''}",
            true));
  }

  @ParameterizedTest(name = NAME)
  @MethodSource("existsTable")
  @DisplayName("exists")
  void existsOperator(String name, String conditions, String data, boolean expected) {
    assertThat(holds(conditions, data)).isEqualTo(expected);
  }
}

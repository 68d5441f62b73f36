package io.echotag.events;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Sessionizer")
class SessionizerTest {
  static final long TIMEOUT = Duration.ofMinutes(30).toMillis();
  static final Instant T0 = Instant.parse("2025-01-27T10:00:00.000Z");

  /** Hands out ses_1, ses_2, ... so that tests can tell new sessions apart. */
  static Supplier<String> ids() {
    int[] next = {0};
    return () -> "ses_" + (++next[0]);
  }

  static Instant at(long minutes) {
    return T0.plus(Duration.ofMinutes(minutes));
  }

  static Sessionizer.Item page(Instant ts, String url) {
    return new Sessionizer.Item(ts, null, url, null);
  }

  static Sessionizer.Item plain(Instant ts) {
    return new Sessionizer.Item(ts, null, null, null);
  }

  @Test
  @DisplayName("a new visitor's first event starts a new session, which becomes the current one")
  void newVisitor() {
    Sessionizer.Result result = Sessionizer.assign(null, TIMEOUT,
        List.of(new Sessionizer.Item(T0, null, "https://shop.example/", "https://search.example/?q=shoes")), ids());

    assertThat(result.sessionIds()).containsExactly("ses_1");
    assertThat(result.newSessions()).isEqualTo(1);
    assertThat(result.current()).isEqualTo(new Sessionizer.State("ses_1", T0, T0));
    assertThat(result.aggregates()).containsExactly(new Sessionizer.Aggregate("ses_1", T0, T0, 1,
        "https://shop.example/", "https://shop.example/", "https://search.example/?q=shoes"));
  }

  @Test
  @DisplayName("an event within the timeout after the stored session's last event continues it")
  void continuation() {
    Sessionizer.State stored = new Sessionizer.State("ses_old", at(0), at(10));

    Sessionizer.Result result = Sessionizer.assign(stored, TIMEOUT, List.of(plain(at(39))), ids());

    assertThat(result.sessionIds()).containsExactly("ses_old");
    assertThat(result.newSessions()).isZero();
    assertThat(result.current()).isEqualTo(new Sessionizer.State("ses_old", at(0), at(39)));
    assertThat(result.aggregates()).singleElement()
        .satisfies(a -> {
          assertThat(a.id()).isEqualTo("ses_old");
          assertThat(a.startedAt()).isEqualTo(at(39));
          assertThat(a.endedAt()).isEqualTo(at(39));
          assertThat(a.eventCount()).isEqualTo(1);
        });
  }

  @Test
  @DisplayName("an event exactly one timeout after the last event still continues the session")
  void exactlyAtTimeout() {
    Sessionizer.State stored = new Sessionizer.State("ses_old", at(0), at(10));

    assertThat(Sessionizer.assign(stored, TIMEOUT, List.of(plain(at(40))), ids()).sessionIds())
        .containsExactly("ses_old");
  }

  @Test
  @DisplayName("an event more than the timeout after the last event starts a new session")
  void afterTimeout() {
    Sessionizer.State stored = new Sessionizer.State("ses_old", at(0), at(10));

    Sessionizer.Result result = Sessionizer.assign(stored, TIMEOUT, List.of(plain(at(40).plusMillis(1))), ids());

    assertThat(result.sessionIds()).containsExactly("ses_1");
    assertThat(result.newSessions()).isEqualTo(1);
    assertThat(result.current()).isEqualTo(new Sessionizer.State("ses_1", at(40).plusMillis(1), at(40).plusMillis(1)));
    assertThat(result.aggregates()).extracting(Sessionizer.Aggregate::id).containsExactly("ses_1");
  }

  @Test
  @DisplayName("the project's timeout is used, not a fixed 30 minutes")
  void projectTimeout() {
    Sessionizer.State stored = new Sessionizer.State("ses_old", at(0), at(0));
    long fiveMinutes = Duration.ofMinutes(5).toMillis();

    assertThat(Sessionizer.assign(stored, fiveMinutes, List.of(plain(at(5))), ids()).sessionIds())
        .containsExactly("ses_old");
    assertThat(Sessionizer.assign(stored, fiveMinutes, List.of(plain(at(6))), ids()).sessionIds())
        .containsExactly("ses_1");
  }

  @Test
  @DisplayName("one commit with a gap longer than the timeout splits into two sessions, ids in input order")
  void gapInsideCommit() {
    Sessionizer.Result result = Sessionizer.assign(null, TIMEOUT,
        List.of(plain(at(0)), plain(at(5)), plain(at(120)), plain(at(140))), ids());

    assertThat(result.sessionIds()).containsExactly("ses_1", "ses_1", "ses_2", "ses_2");
    assertThat(result.newSessions()).isEqualTo(2);
    assertThat(result.current()).isEqualTo(new Sessionizer.State("ses_2", at(120), at(140)));
    assertThat(result.aggregates()).containsExactly(
        new Sessionizer.Aggregate("ses_1", at(0), at(5), 2, null, null, null),
        new Sessionizer.Aggregate("ses_2", at(120), at(140), 2, null, null, null));
  }

  @Test
  @DisplayName("out-of-order events are sessionized by their timestamps; the answer keeps input order")
  void outOfOrderInsideCommit() {
    // input order: 20 min, 0 min, 10 min, 3 h (a new session), 5 min
    Sessionizer.Result result = Sessionizer.assign(null, TIMEOUT,
        List.of(page(at(20), "/c"), page(at(0), "/a"), page(at(10), "/b"), page(at(180), "/later"), page(at(5), "/a2")),
        ids());

    assertThat(result.sessionIds()).containsExactly("ses_1", "ses_1", "ses_1", "ses_2", "ses_1");
    assertThat(result.newSessions()).isEqualTo(2);
    assertThat(result.aggregates()).containsExactly(
        new Sessionizer.Aggregate("ses_1", at(0), at(20), 4, "/a", "/c", null),
        new Sessionizer.Aggregate("ses_2", at(180), at(180), 1, "/later", "/later", null));
  }

  @Test
  @DisplayName("a late event shortly before the stored session's start joins it and moves its start back")
  void lateEventBeforeStart() {
    Sessionizer.State stored = new Sessionizer.State("ses_old", at(60), at(70));

    Sessionizer.Result result = Sessionizer.assign(stored, TIMEOUT, List.of(plain(at(40))), ids());

    assertThat(result.sessionIds()).containsExactly("ses_old");
    assertThat(result.newSessions()).isZero();
    assertThat(result.current()).isEqualTo(new Sessionizer.State("ses_old", at(40), at(70)));
  }

  @Test
  @DisplayName("a late event long before the current session gets a session of its own and does not become current")
  void lateEventFarBefore() {
    Sessionizer.State stored = new Sessionizer.State("ses_old", at(300), at(310));

    Sessionizer.Result result = Sessionizer.assign(stored, TIMEOUT, List.of(plain(at(0))), ids());

    assertThat(result.sessionIds()).containsExactly("ses_1");
    assertThat(result.newSessions()).isEqualTo(1);
    assertThat(result.current()).isEqualTo(stored);
  }

  @Test
  @DisplayName("a client session_id is used as is, even when the stored session would have absorbed the event")
  void clientSessionId() {
    Sessionizer.State stored = new Sessionizer.State("ses_old", at(0), at(10));

    Sessionizer.Result result = Sessionizer.assign(stored, TIMEOUT, List.of(
        new Sessionizer.Item(at(11), "client-A", "/x", null),
        new Sessionizer.Item(at(200), "client-A", "/y", null)), ids());

    assertThat(result.sessionIds()).containsExactly("client-A", "client-A");
    assertThat(result.newSessions()).isEqualTo(1);
    assertThat(result.current()).isEqualTo(new Sessionizer.State("client-A", at(11), at(200)));
    assertThat(result.aggregates()).containsExactly(
        new Sessionizer.Aggregate("client-A", at(11), at(200), 2, "/x", "/y", null));
  }

  @Test
  @DisplayName("a client session_id equal to the stored session continues it without counting a new session")
  void clientSessionIdOfStored() {
    Sessionizer.State stored = new Sessionizer.State("client-A", at(0), at(10));

    Sessionizer.Result result = Sessionizer.assign(stored, TIMEOUT,
        List.of(new Sessionizer.Item(at(500), "client-A", null, null)), ids());

    assertThat(result.sessionIds()).containsExactly("client-A");
    assertThat(result.newSessions()).isZero();
    assertThat(result.current()).isEqualTo(new Sessionizer.State("client-A", at(0), at(500)));
  }

  @Test
  @DisplayName("entry and exit URLs are the first and last URLs in time; events without a URL do not change them")
  void entryExitUrls() {
    Sessionizer.Result result = Sessionizer.assign(null, TIMEOUT, List.of(
        plain(at(1)),
        page(at(4), "https://shop.example/cart"),
        page(at(2), "https://shop.example/"),
        page(at(3), "https://shop.example/products"),
        plain(at(5))), ids());

    Sessionizer.Aggregate session = result.aggregates().get(0);
    assertThat(session.entryUrl()).isEqualTo("https://shop.example/");
    assertThat(session.exitUrl()).isEqualTo("https://shop.example/cart");
    assertThat(session.startedAt()).isEqualTo(at(1));
    assertThat(session.endedAt()).isEqualTo(at(5));
    assertThat(session.eventCount()).isEqualTo(5);
  }

  @Test
  @DisplayName("a direct visit keeps no referrer even when a later page of the session has one")
  void directVisitStaysDirect() {
    Instant t0 = Instant.parse("2025-01-27T10:00:00Z");
    Sessionizer.Result result = Sessionizer.assign(null, 1_800_000, List.of(
        new Sessionizer.Item(t0, null, "https://shop.example/", null),
        new Sessionizer.Item(t0.plusSeconds(10), null, "https://shop.example/p/1", "https://shop.example/")),
        () -> "ses_new");
    assertThat(result.aggregates().get(0).referrer()).isNull();
  }

  @Test
  @DisplayName("the session's referrer is the earliest event's referrer, not a later one's")
  void referrer() {
    Sessionizer.Result result = Sessionizer.assign(null, TIMEOUT, List.of(
        new Sessionizer.Item(at(2), null, "https://shop.example/p", "https://shop.example/"),
        new Sessionizer.Item(at(1), null, "https://shop.example/", "https://news.example/article")), ids());

    assertThat(result.aggregates().get(0).referrer()).isEqualTo("https://news.example/article");
  }

  @Test
  @DisplayName("events of a commit that continue the stored session carry only this commit's share in the aggregate")
  void aggregateIsThisCommitsShare() {
    Sessionizer.State stored = new Sessionizer.State("ses_old", at(0), at(10));

    Sessionizer.Result result = Sessionizer.assign(stored, TIMEOUT,
        List.of(page(at(12), "/a"), page(at(15), "/b")), ids());

    assertThat(result.aggregates()).containsExactly(
        new Sessionizer.Aggregate("ses_old", at(12), at(15), 2, "/a", "/b", null));
    assertThat(result.current()).isEqualTo(new Sessionizer.State("ses_old", at(0), at(15)));
  }
}

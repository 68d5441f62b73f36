package io.echotag.triggers;

import java.util.Objects;
import java.util.Optional;

/**
 * One wait condition of the {@code no_event} kind: the visitor must have had no event of
 * {@code eventType} ({@code *}: no event at all) — optionally only counting events that satisfy
 * {@code condition} — since the triggering event. The condition's bare fields and {@code event.}
 * paths refer to that later event.
 */
public final class NoEvent {
  private final String eventType;
  private final Condition condition;

  NoEvent(String eventType, Condition condition) {
    this.eventType = Objects.requireNonNull(eventType);
    this.condition = condition;
  }

  public String eventType() {
    return eventType;
  }

  /** The further conditions on the later event, if the rule gave any. */
  public Optional<Condition> condition() {
    return Optional.ofNullable(condition);
  }

  /**
   * Whether {@code later} — an event of the same visitor after the triggering one, with the
   * visitor as it is then — breaks this wait condition.
   */
  public boolean brokenBy(EvalContext later) {
    if (later.event() == null) {
      return false;
    }
    boolean typeMatches = eventType.equals("*") || eventType.equals(later.event().getValue("event_type"));
    return typeMatches && (condition == null || condition.matches(later));
  }

  @Override
  public String toString() {
    return "no_event " + eventType + (condition == null ? "" : " (with conditions)");
  }
}

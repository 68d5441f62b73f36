package io.echotag.triggers;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A trigger's conditions, compiled: what must hold when the event arrives ({@link #immediate()}),
 * and the wait conditions that are judged later — how long to wait ({@link #waitMs()}) and which
 * events of the visitor, arriving meanwhile, cancel the execution ({@link #noEvents()}).
 *
 * <p>As a {@link Condition} it evaluates the immediate part. The result is immutable and
 * thread-safe (regular expressions are compiled once, here).
 *
 * <p>Where the API contract is silent: {@code no_event} / {@code no_purchase} need a
 * {@code time_since_event} (without a wait there is no "since" to judge); a wait is at most
 * {@link #MAX_WAIT} long; {@code no_purchase: false} states nothing; {@code no_event} also takes
 * a list of event types or objects, and {@code "*"} for any event.
 */
public final class Conditions implements Condition {
  public static final Duration MAX_WAIT = Duration.ofDays(365);
  private static final String ROOT = "conditions";
  private static final Pattern EVENT_TYPE = Pattern.compile("\\*|[A-Za-z0-9_.:-]{1,100}");

  private final Condition immediate;
  private final long waitMs;
  private final List<NoEvent> noEvents;

  private Conditions(Condition immediate, long waitMs, List<NoEvent> noEvents) {
    this.immediate = immediate;
    this.waitMs = waitMs;
    this.noEvents = List.copyOf(noEvents);
  }

  /**
   * Validates and compiles a conditions object (null is the empty object, which always holds).
   *
   * @throws io.echotag.http.ApiError 422 whose message starts with the path of the offending
   *     entry, e.g. {@code conditions.any.0.url: unknown operator "containz"}
   */
  public static Conditions parse(JsonObject conditions) {
    JsonObject rest = new JsonObject();
    long waitMs = 0;
    String waitFor = null;
    List<NoEvent> noEvents = new ArrayList<>();
    if (conditions != null) {
      for (String key : conditions.fieldNames()) {
        Object value = conditions.getValue(key);
        String param = Invalid.child(ROOT, key);
        switch (key) {
          case "time_since_event" -> waitMs = waitMs(value, param);
          case "no_event" -> {
            noEvents.addAll(noEvents(value, param));
            waitFor = waitFor == null ? param : waitFor;
          }
          case "no_purchase" -> {
            if (!(value instanceof Boolean flag)) {
              throw Invalid.at(param, "takes true or false, not " + Operator.describe(value));
            }
            if (flag) {
              noEvents.add(new NoEvent("purchase", null));
              waitFor = waitFor == null ? param : waitFor;
            }
          }
          default -> rest.put(key, value);
        }
      }
    }
    if (!noEvents.isEmpty() && waitMs == 0) {
      throw Invalid.at(waitFor, "needs \"time_since_event\": {\"greater_than\": ms} to say how long to wait");
    }
    return new Conditions(ConditionParser.object(rest, ROOT, 0), waitMs, noEvents);
  }

  /**
   * Compiles a condition object that is judged on stored events, such as report filters and funnel
   * steps: no wait conditions (there is nothing to wait for), and every failure is a 422 naming
   * the path under {@code root} (e.g. {@code filters.any.0.url}). Null is the empty object.
   */
  public static Condition compile(JsonObject conditions, String root) {
    JsonObject given = conditions == null ? new JsonObject() : conditions;
    for (String key : given.fieldNames()) {
      if (ConditionParser.WAIT_KEYS.contains(key)) {
        throw Invalid.at(Invalid.child(root, key), "wait conditions (time_since_event, no_event, no_purchase) "
            + "belong to triggers; they cannot be judged here");
      }
    }
    return ConditionParser.object(given, root, 0);
  }

  private static long waitMs(Object value, String param) {
    if (!(value instanceof JsonObject wait) || wait.size() != 1 || !wait.containsKey("greater_than")) {
      throw Invalid.at(param, "takes {\"greater_than\": ms}");
    }
    Object raw = wait.getValue("greater_than");
    BigDecimal ms = raw instanceof Number ? Values.number(raw) : null;
    if (ms == null || ms.stripTrailingZeros().scale() > 0) {
      throw Invalid.at(param, "\"greater_than\" takes a whole number of milliseconds");
    }
    if (ms.signum() <= 0 || ms.compareTo(BigDecimal.valueOf(MAX_WAIT.toMillis())) > 0) {
      throw Invalid.at(param, "\"greater_than\" must be more than 0 and at most " + MAX_WAIT.toMillis() + " ms ("
          + MAX_WAIT.toDays() + " days)");
    }
    return ms.longValueExact();
  }

  private static List<NoEvent> noEvents(Object value, String param) {
    List<NoEvent> found = new ArrayList<>();
    if (value instanceof JsonArray list) {
      if (list.isEmpty()) {
        throw Invalid.at(param, "needs at least one event type");
      }
      for (int i = 0; i < list.size(); i++) {
        found.add(noEvent(list.getValue(i), Invalid.child(param, i)));
      }
    } else {
      found.add(noEvent(value, param));
    }
    return found;
  }

  private static NoEvent noEvent(Object value, String param) {
    if (value instanceof String type) {
      return new NoEvent(eventType(type, param), null);
    }
    if (!(value instanceof JsonObject spec)) {
      throw Invalid.at(param, "takes an event type or {\"event_type\": ..., <conditions on that event>}, not "
          + Operator.describe(value));
    }
    String typeParam = Invalid.child(param, "event_type");
    if (!(spec.getValue("event_type") instanceof String type)) {
      throw Invalid.at(typeParam, "required: the event type that must not happen");
    }
    JsonObject rest = spec.copy();
    rest.remove("event_type");
    Condition condition = rest.isEmpty() ? null : ConditionParser.object(rest, param, 1);
    return new NoEvent(eventType(type, typeParam), condition);
  }

  private static String eventType(String type, String param) {
    if (!EVENT_TYPE.matcher(type).matches()) {
      throw Invalid.at(param, "\"" + type + "\" is not an event type (1-100 characters of A-Z a-z 0-9 _ . : -)");
    }
    return type;
  }

  /** The conditions judged when the event arrives; {@link Condition#ALWAYS} when there are none. */
  public Condition immediate() {
    return immediate;
  }

  /** How long after the triggering event the wait conditions are judged; 0 when there is no wait. */
  public long waitMs() {
    return waitMs;
  }

  /** The events that must not happen during the wait (from {@code no_event} and {@code no_purchase}). */
  public List<NoEvent> noEvents() {
    return noEvents;
  }

  /** Whether an execution must wait before running its actions. */
  public boolean waits() {
    return waitMs > 0;
  }

  /** Whether {@code later}, an event of the same visitor during the wait, cancels the execution. */
  public boolean cancelledBy(EvalContext later) {
    for (NoEvent noEvent : noEvents) {
      if (noEvent.brokenBy(later)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public boolean matches(EvalContext ctx) {
    return immediate.matches(ctx);
  }
}

package io.echotag.triggers;

import io.vertx.core.json.JsonObject;

import java.util.HashMap;
import java.util.Map;

/**
 * What a condition is evaluated against: the event in its API shape ({@code id, event_type,
 * visitor_id, session_id, data, timestamp}) and the visitor ({@code id, email, name, traits,
 * event_count, session_count, tags}). Either may be null; the paths under it are then missing.
 * {@code tags} may hold tag names or the API's tag objects ({@code {"id", "name", "color"}});
 * conditions and templates see names.
 */
public final class EvalContext {
  private final JsonObject event;
  private final JsonObject visitor;
  /** Values already resolved in this context, by path: many triggers read the same few fields. */
  private final Map<String, Object> resolved = new HashMap<>();

  public EvalContext(JsonObject event, JsonObject visitor) {
    this.event = event;
    this.visitor = visitor;
  }

  public static EvalContext of(JsonObject event, JsonObject visitor) {
    return new EvalContext(event, visitor);
  }

  public JsonObject event() {
    return event;
  }

  public JsonObject visitor() {
    return visitor;
  }

  JsonObject root(FieldPath.Root root) {
    return switch (root) {
      case EVENT -> event;
      case VISITOR -> visitor;
      default -> null;
    };
  }

  /**
   * The value at {@code path} (null when missing), resolved once per context: the ingest's
   * trigger gate checks every active trigger of an event against one context. The event and the
   * visitor must not change while the context is in use.
   */
  Object value(FieldPath path) {
    Object value = resolved.getOrDefault(path.key(), MISSING);
    if (value == MISSING) {
      value = path.resolve(root(path.root()));
      resolved.put(path.key(), value);
    }
    return value;
  }

  private static final Object MISSING = new Object();
}

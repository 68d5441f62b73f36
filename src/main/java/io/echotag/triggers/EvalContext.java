package io.echotag.triggers;

import io.vertx.core.json.JsonObject;

/**
 * What a condition is evaluated against: the event in its API shape ({@code id, event_type,
 * visitor_id, session_id, data, timestamp}) and the visitor ({@code id, email, name, traits,
 * event_count, session_count, tags}). Either may be null; the paths under it are then missing.
 * {@code tags} may hold tag names or the API's tag objects ({@code {"id", "name", "color"}});
 * conditions and templates see names.
 */
public record EvalContext(JsonObject event, JsonObject visitor) {

  public static EvalContext of(JsonObject event, JsonObject visitor) {
    return new EvalContext(event, visitor);
  }

  JsonObject root(FieldPath.Root root) {
    return switch (root) {
      case EVENT -> event;
      case VISITOR -> visitor;
      default -> null;
    };
  }
}

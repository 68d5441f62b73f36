package io.echotag.triggers;

import io.vertx.core.json.JsonObject;

/**
 * What a template is rendered with: the triggering event and its visitor (shapes as in
 * {@link EvalContext}), the trigger ({@code id}, {@code name}) and the execution's id. Any part may
 * be null; placeholders under it are then missing.
 */
public record TemplateContext(JsonObject event, JsonObject visitor, JsonObject trigger, String executionId) {

  JsonObject root(FieldPath.Root root) {
    return switch (root) {
      case EVENT -> event;
      case VISITOR -> visitor;
      case TRIGGER -> trigger;
      case EXECUTION -> executionId == null ? null : new JsonObject().put("id", executionId);
    };
  }
}

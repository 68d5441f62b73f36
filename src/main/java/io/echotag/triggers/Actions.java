package io.echotag.triggers;

import io.echotag.http.ApiError;
import io.echotag.webhooks.AddressGuard;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.Set;
import java.util.regex.Pattern;

/** Validation of a trigger's {@code actions}: a {@code 422} naming the path of the first problem. */
final class Actions {
  static final Set<String> TYPES = Set.of("add_tag", "remove_tag", "webhook", "integration", "track_event",
      "update_visitor");
  static final Set<String> METHODS = Set.of("POST", "PUT", "PATCH");
  private static final Pattern EVENT_TYPE = Pattern.compile("[A-Za-z0-9_.:-]{1,100}");

  private Actions() {
  }

  static JsonArray validate(Object value, AddressGuard guard) {
    if (!(value instanceof JsonArray actions) || actions.isEmpty()) {
      throw ApiError.unprocessable("actions", "actions must be a list of at least one action");
    }
    for (int i = 0; i < actions.size(); i++) {
      String path = "actions." + i;
      if (!(actions.getValue(i) instanceof JsonObject action)) {
        throw ApiError.unprocessable(path, path + " must be an object");
      }
      String type = action.getValue("type") instanceof String t ? t : null;
      if (type == null || !TYPES.contains(type)) {
        throw ApiError.unprocessable(path + ".type", path + ".type: unknown action type \"" + type
            + "\" (expected one of add_tag, remove_tag, webhook, integration, track_event, update_visitor)");
      }
      switch (type) {
        case "add_tag", "remove_tag" -> {
          if (!(action.getValue("tag") instanceof String tag && !tag.isEmpty() && tag.length() <= 64)
              && !(action.getValue("tag_id") instanceof String)) {
            throw ApiError.unprocessable(path + ".tag", path + ": needs tag (a name of 1 to 64 characters) or tag_id");
          }
        }
        case "webhook" -> webhook(action, path, guard);
        case "integration" -> {
          if (!(action.getValue("integration_id") instanceof String)) {
            throw ApiError.unprocessable(path + ".integration_id", path + ".integration_id is required");
          }
          optionalString(action, "path", path);
          Templates.validate(action.getValue("body"), path + ".body");
          Templates.validate(action.getValue("text"), path + ".text");
        }
        case "track_event" -> {
          if (!(action.getValue("event_type") instanceof String t && EVENT_TYPE.matcher(t).matches())) {
            throw ApiError.unprocessable(path + ".event_type", path + ".event_type must be an event type");
          }
          object(action, "data", path, false);
          Templates.validate(action.getValue("data"), path + ".data");
        }
        case "update_visitor" -> {
          object(action, "traits", path, true);
          Templates.validate(action.getValue("traits"), path + ".traits");
        }
        default -> throw new IllegalStateException(type);
      }
    }
    return actions;
  }

  private static void webhook(JsonObject action, String path, AddressGuard guard) {
    Object url = action.getValue("url");
    if (url == null && !(action.getValue("webhook_id") instanceof String)) {
      throw ApiError.unprocessable(path + ".url", path + ".url is required (or webhook_id)");
    }
    if (url != null) {
      String problem = url instanceof String u ? guard.urlProblem(u) : "url must be a string";
      if (problem != null) {
        throw ApiError.unprocessable(path + ".url", path + "." + problem);
      }
    }
    if (action.getValue("method") != null && !(action.getValue("method") instanceof String m
        && METHODS.contains(m.toUpperCase()))) {
      throw ApiError.unprocessable(path + ".method", path + ".method must be POST, PUT or PATCH");
    }
    object(action, "headers", path, false);
    Templates.validate(action.getValue("headers"), path + ".headers");
    Templates.validate(action.getValue("body"), path + ".body");
  }

  private static void object(JsonObject action, String field, String path, boolean required) {
    Object value = action.getValue(field);
    if ((value == null && required) || (value != null && !(value instanceof JsonObject))) {
      throw ApiError.unprocessable(path + "." + field, path + "." + field + " must be an object");
    }
  }

  private static void optionalString(JsonObject action, String field, String path) {
    Object value = action.getValue(field);
    if (value != null && !(value instanceof String)) {
      throw ApiError.unprocessable(path + "." + field, path + "." + field + " must be a string");
    }
  }
}

package io.echotag.reports;

import io.echotag.http.ApiError;
import io.echotag.triggers.Condition;
import io.echotag.triggers.Conditions;
import io.echotag.triggers.EvalContext;
import io.vertx.core.json.JsonObject;

import java.util.regex.Pattern;

/**
 * One funnel step: an event type ({@code "add_to_cart"}) or a condition object of the trigger
 * language ({@code {"event.event_type": "page_view", "url": {"contains": "/checkout"}}}). Its name
 * in the results is the event type, or the condition object as compact JSON.
 */
record FunnelStep(Object definition, String name, String eventType, Condition condition) {
  private static final Pattern EVENT_TYPE = Pattern.compile("[A-Za-z0-9_.:-]{1,100}");

  static FunnelStep parse(Object value, String param) {
    if (value instanceof String type) {
      if (!EVENT_TYPE.matcher(type).matches()) {
        throw ApiError.unprocessable(param, param + ": \"" + Dimension.clip(type) + "\" is not an event type "
            + "(1-100 characters of A-Z a-z 0-9 _ . : -)");
      }
      return new FunnelStep(type, type, type, null);
    }
    if (value instanceof JsonObject conditions && !conditions.isEmpty()) {
      return new FunnelStep(conditions.copy(), conditions.encode(), null, Conditions.compile(conditions, param));
    }
    throw ApiError.unprocessable(param, param + " must be an event type or a non-empty condition object");
  }

  boolean matches(JsonObject event, EvalContext ctx) {
    return eventType != null ? eventType.equals(event.getString("event_type")) : condition.matches(ctx);
  }
}

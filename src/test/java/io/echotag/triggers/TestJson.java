package io.echotag.triggers;

import io.vertx.core.json.JsonObject;

/** JSON written with single quotes, so that test tables stay readable. */
final class TestJson {
  private TestJson() {
  }

  static JsonObject json(String singleQuoted) {
    return new JsonObject(singleQuoted.replace('\'', '"'));
  }

  static Object value(String singleQuoted) {
    return new JsonObject("{\"v\": " + singleQuoted.replace('\'', '"') + "}").getValue("v");
  }

  /** An event in the API's shape carrying {@code data}. */
  static JsonObject event(String type, String data) {
    return new JsonObject()
        .put("id", "evt_1")
        .put("project_id", "proj_1")
        .put("event_type", type)
        .put("visitor_id", "vis_1")
        .put("session_id", "ses_1")
        .put("data", json(data))
        .put("timestamp", "2025-01-27T10:15:30.123Z");
  }

  static JsonObject visitor() {
    return json("{'id': 'vis_1', 'email': 'ada@example.com', 'name': 'Ada', 'traits': {'plan': 'pro', 'seats': 12},"
        + " 'event_count': 42, 'session_count': 3,"
        + " 'tags': [{'id': 'tag_1', 'name': 'vip', 'color': '#3B82F6'}, {'id': 'tag_2', 'name': 'beta'}]}");
  }

  /** Whether {@code conditions} hold for an event carrying {@code data}, with {@link #visitor()}. */
  static boolean holds(String conditions, String data) {
    return Conditions.parse(json(conditions)).matches(EvalContext.of(event("page_view", data), visitor()));
  }
}

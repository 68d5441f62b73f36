// camelCase in, snake_case on the wire.
//
// The rule: every key of the options a method receives is converted from camelCase to
// snake_case, at any depth (`retryConfig.maxAttempts` → `retry_config.max_attempts`), EXCEPT the
// values under the keys in VERBATIM_KEYS. Those hold the user's own data or the API's own
// languages (event data, visitor traits, trigger conditions, report filters, headers, templates),
// whose keys are sent exactly as written: `data: { orderId: 1 }` stays `{"orderId": 1}`.
// Keys that are already snake_case are left as they are, so either spelling works for options.
// Responses are never converted: the API's JSON is returned as is (snake_case).

/** Keys whose values are user data or API languages: sent exactly as written. */
export const VERBATIM_KEYS = new Set([
  "data", // event data, track_event action data
  "traits", // visitor traits, update_visitor action traits
  "conditions", // trigger condition language (paths and operators are data)
  "filters", // report filters (the condition language)
  "steps", // funnel steps (event types or condition objects)
  "headers", // webhook / integration / action headers: header names are data
  "body", // webhook action body template
  "test_data", // webhook test payload
]);

/** `eventType` → `event_type`; `event_type` and `URL` stay as they are (apart from case of runs). */
export function snakeKey(key) {
  if (!/[A-Z]/.test(key)) {
    return key;
  }
  return key
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1_$2")
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .toLowerCase();
}

function isPlainObject(value) {
  if (value === null || typeof value !== "object") {
    return false;
  }
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * Deep copy of `value` with option keys in snake_case. Arrays are walked; Dates, class
 * instances and primitives are left to JSON.stringify; `undefined` members are dropped.
 */
export function toWire(value) {
  if (Array.isArray(value)) {
    return value.map(toWire);
  }
  if (!isPlainObject(value)) {
    return value;
  }
  const out = {};
  for (const [key, member] of Object.entries(value)) {
    if (member === undefined) {
      continue;
    }
    const wireKey = snakeKey(key);
    out[wireKey] = VERBATIM_KEYS.has(wireKey) ? member : toWire(member);
  }
  return out;
}

/** Query parameters: snake_case keys; arrays joined with commas; null/undefined dropped. */
export function toQuery(params) {
  const search = new URLSearchParams();
  if (!params) {
    return search;
  }
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === null) {
      continue;
    }
    let text;
    if (Array.isArray(value)) {
      text = value.join(",");
    } else if (value instanceof Date) {
      text = value.toISOString();
    } else if (typeof value === "object") {
      text = JSON.stringify(value);
    } else {
      text = String(value);
    }
    search.append(snakeKey(key), text);
  }
  return search;
}

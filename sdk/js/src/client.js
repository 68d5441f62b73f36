// EchoTagAPI: one object per API key, one property per resource of the HTTP API.

import { toWire } from "./case.js";
import { HttpClient } from "./http.js";
import { EventQueue } from "./queue.js";
import { RealtimeStream } from "./sse.js";

/** A random client key for an event: makes events.track safe to retry (the API dedupes on it). */
export function newEventId() {
  const c = globalThis.crypto;
  if (c && typeof c.randomUUID === "function") {
    return c.randomUUID();
  }
  const bytes = new Uint8Array(16);
  if (c && typeof c.getRandomValues === "function") {
    c.getRandomValues(bytes);
  } else {
    for (let i = 0; i < 16; i++) {
      bytes[i] = Math.floor(Math.random() * 256);
    }
  }
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const seg = (value) => {
  if (value === undefined || value === null || value === "") {
    throw new TypeError("EchoTag: an id is required");
  }
  return encodeURIComponent(String(value));
};

function hasProject(object) {
  return object != null && (object.project_id != null || object.projectId != null);
}

class Resource {
  constructor(api) {
    this.api = api;
  }

  /** A project-scoped call: the constructor's projectId in the query unless the call names one. */
  call(method, path, { query, body, options, safe, projectIn = "query" } = {}) {
    return this.api.call(method, path, { query, body, options, safe, projectIn });
  }

  listAt(path, params, options) {
    return this.call("GET", path, { query: params, options });
  }
}

/** A resource with the usual create / list / get / update (PATCH) / delete. */
class Crud extends Resource {
  constructor(api, path, scoped = true) {
    super(api);
    this.path = path;
    this.scoped = scoped;
  }

  scope(projectIn) {
    return this.scoped ? projectIn : null;
  }

  create(params, options) {
    return this.call("POST", this.path, { body: params, options, projectIn: this.scope("body") });
  }

  list(params, options) {
    return this.call("GET", this.path, { query: params, options, projectIn: this.scope("query") });
  }

  get(id, params, options) {
    return this.call("GET", `${this.path}/${seg(id)}`, { query: params, options, projectIn: this.scope("query") });
  }

  update(id, params, options) {
    return this.call("PATCH", `${this.path}/${seg(id)}`, { body: params, options, projectIn: this.scope("query") });
  }

  delete(id, params, options) {
    return this.call("DELETE", `${this.path}/${seg(id)}`, { query: params, options, projectIn: this.scope("query") });
  }
}

class Events extends Resource {
  /**
   * Tracks one event. It gets an `id` (a client idempotency key) unless it has one, so a retry
   * never stores it twice. With batching on, it is queued and resolves `{ id }` once committed.
   */
  track(params, options = {}) {
    const event = this.api.wireEvent(params, options);
    if (this.api.queue && !options.immediate) {
      if (event.timestamp === undefined) {
        event.timestamp = new Date().toISOString(); // when it happened, not when the batch leaves
      }
      return this.api.queue.add(event);
    }
    return this.api.http.request({ method: "POST", path: "/events", body: event, safe: true, options });
  }

  /** `POST /v1/events/batch`: an array of events, or `{ events, projectId?, sentAt? }`. */
  batch(input, options = {}) {
    const params = Array.isArray(input) ? { events: input } : { ...input };
    const events = (params.events || []).map((e) => this.api.wireEvent(e, {}, false));
    delete params.events;
    const body = toWire(params);
    this.api.injectProject(body);
    body.events = events;
    return this.api.http.request({ method: "POST", path: "/events/batch", body, safe: true, options });
  }

  list(params, options) {
    return this.listAt("/events", params, options);
  }

  get(id, params, options) {
    return this.call("GET", `/events/${seg(id)}`, { query: params, options });
  }
}

class Visitors extends Resource {
  get(visitorId, params, options) {
    return this.call("GET", `/visitors/${seg(visitorId)}`, { query: params, options });
  }

  /** `PATCH` email, name, traits (traits merge key by key; their keys are sent as written). */
  update(visitorId, params, options) {
    return this.call("PATCH", `/visitors/${seg(visitorId)}`, { body: params, options });
  }

  list(params, options) {
    return this.listAt("/visitors", params, options);
  }

  /** Erases the visitor and its events, sessions, tag links and pending executions. */
  delete(visitorId, params, options) {
    return this.call("DELETE", `/visitors/${seg(visitorId)}`, { query: params, options });
  }

  /** `{ tagId }` or `{ tag: "name" }` (created if missing); a string is a tag id. Assigning twice is fine. */
  addTag(visitorId, tag, options) {
    const body = typeof tag === "string" ? { tagId: tag } : tag;
    return this.call("POST", `/visitors/${seg(visitorId)}/tags`, { body, options, safe: true });
  }

  removeTag(visitorId, tagId, options) {
    return this.call("DELETE", `/visitors/${seg(visitorId)}/tags/${seg(tagId)}`, { options });
  }
}

class Sessions extends Resource {
  list(params, options) {
    return this.listAt("/sessions", params, options);
  }

  get(id, params, options) {
    return this.call("GET", `/sessions/${seg(id)}`, { query: params, options });
  }
}

class Triggers extends Crud {
  constructor(api) {
    super(api, "/triggers");
  }

  /** Replays stored events through the trigger without running actions (no side effect: retried). */
  simulate(id, params, options) {
    return this.call("POST", `/triggers/${seg(id)}/simulate`, { body: params, options, safe: true });
  }
}

class Executions extends Resource {
  list(params, options) {
    return this.listAt("/executions", params, options);
  }

  get(id, params, options) {
    return this.call("GET", `/executions/${seg(id)}`, { query: params, options });
  }
}

class Webhooks extends Crud {
  constructor(api) {
    super(api, "/webhooks");
  }

  /** `PUT`: full replace. */
  replace(id, params, options) {
    return this.call("PUT", `/webhooks/${seg(id)}`, { body: params, options });
  }

  /** Sends one delivery now: `{ testData }` (sent as written) → `{success, status_code, …}`. */
  test(id, params, options) {
    return this.call("POST", `/webhooks/${seg(id)}/test`, { body: params || {}, options });
  }

  logs(id, params, options) {
    return this.call("GET", `/webhooks/${seg(id)}/logs`, { query: params, options });
  }

  rotateSecret(id, options) {
    return this.call("POST", `/webhooks/${seg(id)}/rotate-secret`, { body: {}, options });
  }

  retryDelivery(id, deliveryId, options) {
    return this.call("POST", `/webhooks/${seg(id)}/deliveries/${seg(deliveryId)}/retry`, { body: {}, options });
  }

  /** Re-queues every failed delivery since `since` (an instant or a Date). */
  recover(id, params, options) {
    return this.call("POST", `/webhooks/${seg(id)}/recover`, { body: params, options });
  }
}

class Integrations extends Crud {
  constructor(api) {
    super(api, "/integrations");
  }

  test(id, params, options) {
    return this.call("POST", `/integrations/${seg(id)}/test`, { body: params || {}, options });
  }
}

class Analytics extends Resource {
  /** `GET /v1/analytics`: `{ period, metrics: [...], interval, timezone, startDate, endDate }`. */
  get(params, options) {
    return this.call("GET", "/analytics", { query: params, options });
  }

  /** The realtime snapshot, once. */
  realtime(params, options) {
    return this.call("GET", "/analytics/realtime", { query: params, options });
  }

  /** A read-only stream token for `?access_token=` (browsers' EventSource): `{ token, expires_at }`. */
  realtimeToken(params, options) {
    return this.call("POST", "/analytics/realtime/token", { body: params || {}, options, projectIn: "body" });
  }

  /**
   * The live feed (`GET /v1/analytics/realtime/stream`): `snapshot` every second and, with
   * `include: "events"`, each new `event`. Reconnects with `Last-Event-ID` until `close()`.
   */
  stream(params = {}, handlers = {}) {
    const {
      transport, lastEventId, reconnectDelay, maxReconnectDelay, heartbeatTimeout, EventSource, ...rest
    } = params;
    const query = toWire(rest);
    this.api.injectProject(query);
    return new RealtimeStream(this.api.http, {
      path: "/analytics/realtime/stream",
      query,
      tokenPath: "/analytics/realtime/token",
      tokenBody: query.project_id ? { project_id: query.project_id } : {},
      transport,
      lastEventId,
      reconnectDelay,
      maxReconnectDelay,
      heartbeatTimeout,
      EventSource,
    }, handlers);
  }
}

class Reports extends Resource {
  /** Defines and runs a report; `filters` and `steps` are sent as written. */
  create(params, options) {
    return this.call("POST", "/reports", { body: params, options, projectIn: "body" });
  }

  list(params, options) {
    return this.listAt("/reports", params, options);
  }

  /** The definition with fresh results; `{ format: "csv" }` answers the rows as CSV text. */
  get(id, params = {}, options = {}) {
    const { format, ...query } = params;
    const opts = format === "csv" ? { ...options, headers: { ...(options.headers || {}), Accept: "text/csv" } } : options;
    return this.call("GET", `/reports/${seg(id)}`, { query, options: opts });
  }

  delete(id, params, options) {
    return this.call("DELETE", `/reports/${seg(id)}`, { query: params, options });
  }
}

class Projects extends Crud {
  constructor(api) {
    super(api, "/projects", false);
  }
}

class Tags extends Crud {
  constructor(api) {
    super(api, "/tags");
  }
}

class Auth extends Resource {
  /** Replaces the calling key: `{ new_api_key, key_id, old_key_expires_at }`. `{ use: true }` switches this client to it. */
  async rotateKey(params = {}, options) {
    const { use, ...rest } = params;
    const answer = await this.api.call("POST", "/auth/rotate-key", { body: rest, options });
    if (use && answer && answer.new_api_key) {
      this.api.setApiKey(answer.new_api_key);
    }
    return answer;
  }

  createKey(params, options) {
    return this.api.call("POST", "/auth/keys", { body: params, options });
  }

  listKeys(params, options) {
    return this.api.call("GET", "/auth/keys", { query: params, options });
  }

  revokeKey(id, options) {
    return this.api.call("DELETE", `/auth/keys/${seg(id)}`, { options });
  }
}

export class EchoTagAPI {
  /**
   * @param {object} options `apiKey` (required), `projectId`, `baseUrl` (default
   *   `http://localhost:8080/v1`), `timeout` (ms, default 30 000), `maxRetries` (default 2),
   *   `fetch`, `headers`, `batch` (`true` or `{ maxSize, flushInterval, maxBatchSize, onError, flushOnExit }`).
   */
  constructor(options = {}) {
    const env = typeof process !== "undefined" && process.env ? process.env : {};
    this.http = new HttpClient({ ...options, apiKey: options.apiKey || env.ECHOTAG_API_KEY });
    this.projectId = options.projectId || null;
    this.events = new Events(this);
    this.visitors = new Visitors(this);
    this.sessions = new Sessions(this);
    this.triggers = new Triggers(this);
    this.executions = new Executions(this);
    this.webhooks = new Webhooks(this);
    this.integrations = new Integrations(this);
    this.analytics = new Analytics(this);
    this.reports = new Reports(this);
    this.projects = new Projects(this);
    this.tags = new Tags(this);
    this.auth = new Auth(this);
    this.queue = null;
    if (options.batch) {
      const batch = options.batch === true ? {} : options.batch;
      this.queue = new EventQueue((events, { keepalive }) => this.http.request({
        method: "POST",
        path: "/events/batch",
        body: { events, sent_at: new Date().toISOString() },
        safe: true, // every queued event carries its idempotency id
        options: keepalive ? { keepalive: true, maxRetries: 0 } : {},
      }), batch);
    }
  }

  get baseUrl() {
    return this.http.baseUrl;
  }

  /** Uses another key from now on (after `auth.rotateKey()`). */
  setApiKey(apiKey) {
    this.http.apiKey = apiKey;
  }

  /**
   * The escape hatch: any API path (relative to baseUrl: `/events`), any method; `body` and
   * `options.query` are sent exactly as given (no case conversion, no projectId). Retried only
   * when the method is idempotent or `options.idempotencyKey` is set.
   */
  request(path, method = "GET", body, options = {}) {
    const safe = options.safe ?? (options.idempotencyKey ? true : undefined);
    let query = options.query;
    if (query && !(query instanceof URLSearchParams)) {
      query = new URLSearchParams(Object.entries(query).filter(([, v]) => v != null).map(([k, v]) => [k, String(v)]));
    }
    return this.http.request({ method, path, query, body, safe, options });
  }

  /** Sends every queued event now (batching mode); resolves `{ accepted, failed }`. */
  flush() {
    return this.queue ? this.queue.flush() : Promise.resolve({ accepted: 0, failed: 0 });
  }

  /** Flushes the queue and detaches its exit hooks. */
  close() {
    return this.queue ? this.queue.close() : Promise.resolve({ accepted: 0, failed: 0 });
  }

  /** Internal: a resource call with camelCase → snake_case mapping and project scoping. */
  call(method, path, { query, body, options = {}, safe, projectIn = null }) {
    const wireQuery = query ? toWire(query) : {};
    let wireBody = body === undefined ? undefined : toWire(body);
    if (projectIn === "body" && wireBody && typeof wireBody === "object" && !hasProject(wireQuery)) {
      this.injectProject(wireBody);
    } else if (projectIn === "query" && !hasProject(wireBody)) {
      this.injectProject(wireQuery);
    }
    if (wireBody === undefined && method !== "GET" && method !== "DELETE" && method !== "HEAD") {
      wireBody = {};
    }
    return this.http.request({ method, path, query: wireQuery, body: wireBody, safe, options });
  }

  injectProject(target) {
    if (this.projectId && target.project_id == null) {
      target.project_id = this.projectId;
    }
    return target;
  }

  /** Internal: an event in wire form, with its idempotency id and project. */
  wireEvent(params, options = {}, withProject = true) {
    if (!params || typeof params !== "object") {
      throw new TypeError("EchoTag: an event object is required");
    }
    const event = toWire(params);
    if (event.id == null && !options.idempotencyKey) {
      event.id = newEventId();
    }
    if (withProject) {
      this.injectProject(event);
    }
    return event;
  }
}

import { test } from "node:test";
import assert from "node:assert/strict";
import { EchoTagAPI, snakeKey, toWire } from "../index.js";
import { fakeFetch, json } from "./support/fake-fetch.js";

const KEY = "et_live_abcdefghijklmnopqrstuvwxyz012345";

function client(script = () => json(200, { ok: true }), options = {}) {
  const fetch = fakeFetch(script);
  const api = new EchoTagAPI({ apiKey: KEY, projectId: "proj_main", baseUrl: "https://api.example.com/v1", fetch, ...options });
  return { api, fetch };
}

test("snakeKey converts camelCase and leaves snake_case alone", () => {
  assert.equal(snakeKey("eventType"), "event_type");
  assert.equal(snakeKey("event_type"), "event_type");
  assert.equal(snakeKey("retryConfig"), "retry_config");
  assert.equal(snakeKey("orderID"), "order_id");
  assert.equal(snakeKey("HTTPHeaders"), "http_headers");
  assert.equal(snakeKey("url"), "url");
});

test("toWire converts option keys at every depth but sends user data as written", () => {
  const wire = toWire({
    eventType: "purchase",
    visitorId: "vis_1",
    data: { orderId: "o1", cartItems: [{ productId: 1 }] },
    retryConfig: { maxAttempts: 5, initialDelay: 10 },
    actions: [{ type: "track_event", eventType: "lead", data: { leadScore: 3 } },
      { type: "webhook", url: "https://x", headers: { "X-Api-Key": "k" }, body: { totalCents: "{{event.revenue}}" } }],
    conditions: { "visitor.traits.planType": { greater_than: 1 } },
    traits: { favouriteColor: "blue" },
    skipped: undefined,
    timestamp: new Date("2025-01-27T10:15:30.123Z"),
  });
  assert.deepEqual(JSON.parse(JSON.stringify(wire)), {
    event_type: "purchase",
    visitor_id: "vis_1",
    data: { orderId: "o1", cartItems: [{ productId: 1 }] },
    retry_config: { max_attempts: 5, initial_delay: 10 },
    actions: [{ type: "track_event", event_type: "lead", data: { leadScore: 3 } },
      { type: "webhook", url: "https://x", headers: { "X-Api-Key": "k" }, body: { totalCents: "{{event.revenue}}" } }],
    conditions: { "visitor.traits.planType": { greater_than: 1 } },
    traits: { favouriteColor: "blue" },
    timestamp: "2025-01-27T10:15:30.123Z",
  });
});

test("events.track sends snake_case with data keys untouched, a generated id and the constructor's project", async () => {
  const stored = { id: "evt_1", event_type: "page_view", data: { pageTitle: "Accueil" } };
  const { api, fetch } = client(() => json(201, stored));
  const answer = await api.events.track({ eventType: "page_view", visitorId: "vis_xyz789", data: { url: "https://example.com", pageTitle: "Accueil" } });
  assert.deepEqual(answer, stored, "the API's JSON is returned as is");
  const [call] = fetch.calls;
  assert.equal(call.method, "POST");
  assert.equal(call.url.href, "https://api.example.com/v1/events");
  assert.equal(call.headers.authorization, `Bearer ${KEY}`);
  assert.equal(call.headers["content-type"], "application/json");
  assert.equal(call.body.event_type, "page_view");
  assert.equal(call.body.visitor_id, "vis_xyz789");
  assert.equal(call.body.project_id, "proj_main");
  assert.deepEqual(call.body.data, { url: "https://example.com", pageTitle: "Accueil" });
  assert.match(call.body.id, /^[0-9a-f-]{36}$/);
});

test("events.track keeps a caller's id, and an explicit projectId wins over the constructor's", async () => {
  const { api, fetch } = client(() => json(201, {}));
  await api.events.track({ id: "order-42", projectId: "proj_other", eventType: "purchase", visitorId: "v" });
  assert.equal(fetch.calls[0].body.id, "order-42");
  assert.equal(fetch.calls[0].body.project_id, "proj_other");
});

test("list calls put options in the query: snake_case keys, arrays joined, empty values dropped", async () => {
  const { api, fetch } = client(() => json(200, { data: [], has_more: false }));
  const events = await api.events.list({ visitorId: "vis_xyz789", limit: 50, eventType: undefined, startDate: "2025-01-01" });
  assert.deepEqual(events, { data: [], has_more: false });
  await api.analytics.get({ period: "30d", metrics: ["visitors", "events", "conversions"] });
  await api.triggers.list({ projectId: "proj_x", isActive: true });
  const [list, analytics, triggers] = fetch.calls;
  assert.equal(list.url.pathname, "/v1/events");
  assert.deepEqual(Object.fromEntries(list.url.searchParams), {
    visitor_id: "vis_xyz789", limit: "50", start_date: "2025-01-01", project_id: "proj_main",
  });
  assert.equal(analytics.url.pathname, "/v1/analytics");
  assert.equal(analytics.url.searchParams.get("metrics"), "visitors,events,conversions");
  assert.equal(analytics.url.searchParams.get("project_id"), "proj_main");
  assert.equal(triggers.url.searchParams.get("project_id"), "proj_x");
  assert.equal(triggers.url.searchParams.get("is_active"), "true");
});

test("every resource maps to the path and method of the contract", async () => {
  const { api, fetch } = client((call) => (call.method === "DELETE" ? new Response(null, { status: 204 }) : json(200, {})));
  const cases = [
    [() => api.events.batch([{ eventType: "a", visitorId: "v" }]), "POST", "/v1/events/batch"],
    [() => api.events.get("evt_1"), "GET", "/v1/events/evt_1"],
    [() => api.visitors.get("vis/odd id"), "GET", "/v1/visitors/vis%2Fodd%20id"],
    [() => api.visitors.list({ tagId: "tag_1" }), "GET", "/v1/visitors"],
    [() => api.visitors.update("v1", { traits: { plan: "pro" } }), "PATCH", "/v1/visitors/v1"],
    [() => api.visitors.delete("v1"), "DELETE", "/v1/visitors/v1"],
    [() => api.visitors.addTag("v1", { tag: "vip" }), "POST", "/v1/visitors/v1/tags"],
    [() => api.visitors.removeTag("v1", "tag_1"), "DELETE", "/v1/visitors/v1/tags/tag_1"],
    [() => api.sessions.list({ visitorId: "v1" }), "GET", "/v1/sessions"],
    [() => api.sessions.get("ses_1"), "GET", "/v1/sessions/ses_1"],
    [() => api.triggers.create({ name: "t", eventType: "x", conditions: {}, actions: [] }), "POST", "/v1/triggers"],
    [() => api.triggers.get("trig_1"), "GET", "/v1/triggers/trig_1"],
    [() => api.triggers.update("trig_1", { isActive: false }), "PATCH", "/v1/triggers/trig_1"],
    [() => api.triggers.delete("trig_1"), "DELETE", "/v1/triggers/trig_1"],
    [() => api.triggers.simulate("trig_1", { startDate: "2025-01-01", endDate: "2025-01-31" }), "POST", "/v1/triggers/trig_1/simulate"],
    [() => api.executions.list({ triggerId: "trig_1" }), "GET", "/v1/executions"],
    [() => api.executions.get("exec_1"), "GET", "/v1/executions/exec_1"],
    [() => api.webhooks.create({ name: "w", url: "https://x" }), "POST", "/v1/webhooks"],
    [() => api.webhooks.list(), "GET", "/v1/webhooks"],
    [() => api.webhooks.get("wh_1"), "GET", "/v1/webhooks/wh_1"],
    [() => api.webhooks.update("wh_1", { isActive: false }), "PATCH", "/v1/webhooks/wh_1"],
    [() => api.webhooks.replace("wh_1", { name: "w", url: "https://x" }), "PUT", "/v1/webhooks/wh_1"],
    [() => api.webhooks.delete("wh_1"), "DELETE", "/v1/webhooks/wh_1"],
    [() => api.webhooks.test("wh_1", { testData: { fooBar: 1 } }), "POST", "/v1/webhooks/wh_1/test"],
    [() => api.webhooks.logs("wh_1", { status: "failed" }), "GET", "/v1/webhooks/wh_1/logs"],
    [() => api.webhooks.rotateSecret("wh_1"), "POST", "/v1/webhooks/wh_1/rotate-secret"],
    [() => api.webhooks.retryDelivery("wh_1", "del_1"), "POST", "/v1/webhooks/wh_1/deliveries/del_1/retry"],
    [() => api.webhooks.recover("wh_1", { since: "2025-01-01T00:00:00Z" }), "POST", "/v1/webhooks/wh_1/recover"],
    [() => api.integrations.create({ type: "slack", name: "s", config: { webhookUrl: "https://hooks" } }), "POST", "/v1/integrations"],
    [() => api.integrations.list(), "GET", "/v1/integrations"],
    [() => api.integrations.get("int_1"), "GET", "/v1/integrations/int_1"],
    [() => api.integrations.update("int_1", { name: "n" }), "PATCH", "/v1/integrations/int_1"],
    [() => api.integrations.delete("int_1"), "DELETE", "/v1/integrations/int_1"],
    [() => api.integrations.test("int_1"), "POST", "/v1/integrations/int_1/test"],
    [() => api.analytics.get({ period: "7d" }), "GET", "/v1/analytics"],
    [() => api.analytics.realtime(), "GET", "/v1/analytics/realtime"],
    [() => api.analytics.realtimeToken(), "POST", "/v1/analytics/realtime/token"],
    [() => api.reports.create({ reportType: "events", groupBy: ["event_type"], metrics: ["count"] }), "POST", "/v1/reports"],
    [() => api.reports.list(), "GET", "/v1/reports"],
    [() => api.reports.get("rep_1"), "GET", "/v1/reports/rep_1"],
    [() => api.reports.delete("rep_1"), "DELETE", "/v1/reports/rep_1"],
    [() => api.projects.create({ name: "p", timezone: "Europe/Paris" }), "POST", "/v1/projects"],
    [() => api.projects.list(), "GET", "/v1/projects"],
    [() => api.projects.get("proj_1"), "GET", "/v1/projects/proj_1"],
    [() => api.projects.update("proj_1", { settings: { sessionTimeoutMs: 60000 } }), "PATCH", "/v1/projects/proj_1"],
    [() => api.projects.delete("proj_1"), "DELETE", "/v1/projects/proj_1"],
    [() => api.tags.create({ name: "vip", color: "#FF0000" }), "POST", "/v1/tags"],
    [() => api.tags.list(), "GET", "/v1/tags"],
    [() => api.tags.get("tag_1"), "GET", "/v1/tags/tag_1"],
    [() => api.tags.update("tag_1", { description: "d" }), "PATCH", "/v1/tags/tag_1"],
    [() => api.tags.delete("tag_1"), "DELETE", "/v1/tags/tag_1"],
    [() => api.auth.rotateKey(), "POST", "/v1/auth/rotate-key"],
    [() => api.auth.createKey({ name: "ci", projectIds: ["proj_1"], scopes: ["ingest"] }), "POST", "/v1/auth/keys"],
    [() => api.auth.listKeys(), "GET", "/v1/auth/keys"],
    [() => api.auth.revokeKey("key_1"), "DELETE", "/v1/auth/keys/key_1"],
    [() => api.request("/events", "GET"), "GET", "/v1/events"],
  ];
  for (const [call, method, path] of cases) {
    await call();
    const last = fetch.calls.at(-1);
    assert.equal(`${last.method} ${last.url.pathname}`, `${method} ${path}`);
  }
  const byPath = (m, p) => fetch.calls.find((c) => c.method === m && c.url.pathname === p);
  assert.deepEqual(byPath("POST", "/v1/webhooks/wh_1/test").body, { test_data: { fooBar: 1 } });
  assert.deepEqual(byPath("POST", "/v1/integrations").body.config, { webhook_url: "https://hooks" });
  assert.deepEqual(byPath("POST", "/v1/reports").body, {
    report_type: "events", group_by: ["event_type"], metrics: ["count"], project_id: "proj_main",
  });
  assert.deepEqual(byPath("PATCH", "/v1/projects/proj_1").body, { settings: { session_timeout_ms: 60000 } });
  assert.equal(byPath("PATCH", "/v1/projects/proj_1").url.searchParams.get("project_id"), null,
    "projects and keys are not project-scoped");
  assert.deepEqual(byPath("POST", "/v1/auth/keys").body, { name: "ci", project_ids: ["proj_1"], scopes: ["ingest"] });
  assert.equal(byPath("DELETE", "/v1/visitors/v1").url.searchParams.get("project_id"), "proj_main");
  assert.deepEqual(byPath("POST", "/v1/visitors/v1/tags").body, { tag: "vip" });
  assert.equal(byPath("POST", "/v1/analytics/realtime/token").body.project_id, "proj_main");
  const batch = byPath("POST", "/v1/events/batch").body;
  assert.equal(batch.project_id, "proj_main");
  assert.equal(batch.events[0].event_type, "a");
  assert.ok(batch.events[0].id, "batched events get an idempotency id too");
  assert.equal(byPath("GET", "/v1/events").url.search, "", "the escape hatch adds nothing");
});

test("a 204 answers undefined; reports.get({ format: 'csv' }) asks for CSV and answers the text", async () => {
  const { api, fetch } = client([
    () => new Response(null, { status: 204 }),
    () => new Response("event_type,count\npage_view,3\n", { status: 200, headers: { "Content-Type": "text/csv" } }),
  ]);
  assert.equal(await api.tags.delete("tag_1"), undefined);
  assert.equal(await api.reports.get("rep_1", { format: "csv" }), "event_type,count\npage_view,3\n");
  assert.equal(fetch.calls[1].headers.accept, "text/csv");
  assert.equal(fetch.calls[1].url.searchParams.get("format"), null);
});

test("the escape hatch sends its body and query exactly as given", async () => {
  const { api, fetch } = client(() => json(201, { id: "evt_1" }));
  const answer = await api.request("/v1/events", "POST", { event_type: "x", visitor_id: "v", data: { A_b: 1 } },
    { query: { dry_run: "1" } });
  assert.deepEqual(answer, { id: "evt_1" });
  const [call] = fetch.calls;
  assert.equal(call.url.href, "https://api.example.com/v1/events?dry_run=1", "a leading /v1 is not doubled");
  assert.deepEqual(call.body, { event_type: "x", visitor_id: "v", data: { A_b: 1 } });
});

test("a base URL without a path gets /v1; rotateKey({ use: true }) switches the client's key", async () => {
  const fetch = fakeFetch([() => json(200, { new_api_key: "et_live_NEWNEWNEWNEWNEWNEWNEWNEWNEWNEWNEW1", key_id: "key_1" }),
    () => json(200, { data: [] })]);
  const api = new EchoTagAPI({ apiKey: KEY, baseUrl: "http://localhost:8080", fetch });
  assert.equal(api.baseUrl, "http://localhost:8080/v1");
  await api.auth.rotateKey({ use: true });
  await api.events.list();
  assert.equal(fetch.calls[1].headers.authorization, "Bearer et_live_NEWNEWNEWNEWNEWNEWNEWNEWNEWNEWNEW1");
  assert.equal(fetch.calls[1].url.search, "", "no projectId given: the key's default project applies");
});

test("the constructor needs an API key", () => {
  const saved = process.env.ECHOTAG_API_KEY;
  delete process.env.ECHOTAG_API_KEY;
  try {
    assert.throws(() => new EchoTagAPI({ fetch: () => {} }), /apiKey is required/);
  } finally {
    if (saved !== undefined) {
      process.env.ECHOTAG_API_KEY = saved;
    }
  }
});

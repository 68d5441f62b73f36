// The SDK against a real gateway started from target/echotag.jar (fresh data dir, free port).
// Endpoints that this build of the gateway does not have yet (404 route_not_found) are skipped
// with a message, so the suite states exactly what it proved.

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { EchoTagAPI, EchoTagError } from "../../index.js";
import { eventually, gatewayUnavailable, startGateway } from "../support/gateway.js";

const unavailable = gatewayUnavailable();

/** Runs `fn`; skips the test when the gateway has no such route (not merged into this build yet). */
async function orSkipMissingRoute(t, what, fn) {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof EchoTagError && error.status === 404 && error.code === "route_not_found") {
      t.skip(`${what}: not served by this gateway build (404 route_not_found)`);
      return undefined;
    }
    throw error;
  }
}

describe("SDK against a real gateway", { skip: unavailable || false, timeout: 240_000 }, () => {
  let gateway;
  let api;
  let projectId;
  const visitor = `vis_${Date.now()}`;

  before(async () => {
    gateway = await startGateway();
    const probe = new EchoTagAPI({ apiKey: gateway.apiKey, baseUrl: gateway.baseUrl });
    const projects = await probe.projects.list();
    projectId = projects.data[0].id;
    api = new EchoTagAPI({ apiKey: gateway.apiKey, projectId, baseUrl: gateway.baseUrl });
  });

  after(async () => {
    if (gateway) {
      await gateway.stop();
    }
  });

  test("events.track stores the event with data keys as written; a retry with the same id returns it", async () => {
    const event = await api.events.track({
      eventType: "page_view", visitorId: visitor, data: { url: "https://example.com/", title: "Accueil", pageTitle: "camel stays" },
    });
    assert.match(event.id, /^evt_/);
    assert.equal(event.project_id, projectId);
    assert.equal(event.event_type, "page_view");
    assert.deepEqual(event.data, { url: "https://example.com/", title: "Accueil", pageTitle: "camel stays" });
    const first = await api.events.track({ id: "order-1-paid", eventType: "purchase", visitorId: visitor, data: { revenue: 42 } });
    const again = await api.events.track({ id: "order-1-paid", eventType: "purchase", visitorId: visitor, data: { revenue: 42 } });
    assert.equal(again.id, first.id, "the idempotency id dedupes");
  });

  test("events.batch and the batching queue go through POST /v1/events/batch", async () => {
    const answer = await api.events.batch([
      { eventType: "add_to_cart", visitorId: visitor, data: { productId: "p1" } },
      { eventType: "bad type!", visitorId: visitor },
    ]);
    assert.equal(answer.accepted, 1);
    assert.equal(answer.errors[0].index, 1);
    const queued = new EchoTagAPI({ apiKey: gateway.apiKey, projectId, baseUrl: gateway.baseUrl,
      batch: { maxSize: 3, flushInterval: 50 } });
    const results = await Promise.all([1, 2, 3, 4].map((n) => queued.events.track({ eventType: "queued", visitorId: visitor, data: { n } })));
    assert.ok(results.every((r) => /^evt_/.test(r.id)));
    await queued.close();
  });

  test("events.list, events.get, visitors.get, sessions.list read back what was tracked", async () => {
    const events = await api.events.list({ visitorId: visitor, limit: 50 });
    assert.ok(Array.isArray(events.data));
    assert.equal(events.data.filter((e) => e.event_type === "queued").length, 4);
    const one = await api.events.get(events.data[0].id);
    assert.equal(one.id, events.data[0].id);
    const profile = await api.visitors.get(visitor);
    assert.equal(profile.id, visitor);
    assert.ok(profile.event_count >= 7);
    const sessions = await api.sessions.list({ visitorId: visitor });
    assert.ok(sessions.data.length >= 1);
    const filtered = await api.events.list({ visitorId: visitor, eventType: "purchase" });
    assert.equal(filtered.data.length, 1);
  });

  test("visitors.update merges traits as written; tags can be added and removed", async () => {
    const updated = await api.visitors.update(visitor, { email: "a@example.com", traits: { planType: "pro" } });
    assert.equal(updated.email, "a@example.com");
    assert.equal(updated.traits.planType, "pro");
    const tag = await api.tags.create({ name: `vip-${Date.now()}`, color: "#FF8800" });
    assert.match(tag.id, /^tag_/);
    await api.visitors.addTag(visitor, { tagId: tag.id });
    const tagged = await api.visitors.list({ tagId: tag.id });
    assert.deepEqual(tagged.data.map((v) => v.id), [visitor]);
    assert.equal(await api.visitors.removeTag(visitor, tag.id), undefined);
    const tags = await api.tags.list();
    assert.ok(tags.data.some((t) => t.id === tag.id));
  });

  test("triggers create/list/get/update/simulate/delete; executions list", async () => {
    const trigger = await api.triggers.create({
      name: "Custom Trigger", eventType: "custom_event",
      conditions: { url: { starts_with: "https://example.com" } },
      actions: [{ type: "add_tag", tag: "engaged" }],
    });
    assert.match(trigger.id, /^trig_/);
    assert.deepEqual(trigger.conditions, { url: { starts_with: "https://example.com" } });
    const triggers = await api.triggers.list({ projectId });
    assert.ok(triggers.data.some((t) => t.id === trigger.id));
    const paused = await api.triggers.update(trigger.id, { isActive: false });
    assert.equal(paused.is_active, false);
    const today = new Date().toISOString().slice(0, 10);
    const simulation = await api.triggers.simulate(trigger.id, { startDate: today, endDate: today });
    assert.equal(typeof simulation.matched_events, "number");
    const executions = await api.executions.list({ triggerId: trigger.id });
    assert.ok(Array.isArray(executions.data));
    await api.triggers.delete(trigger.id);
    await assert.rejects(api.triggers.get(trigger.id), (e) => e instanceof EchoTagError && e.status === 404);
  });

  test("webhooks create/list/logs/rotateSecret/delete; integrations create/list", async () => {
    const webhook = await api.webhooks.create({ name: "sink", url: "http://127.0.0.1:9/hook", events: ["purchase"],
      retryConfig: { maxAttempts: 2, initialDelay: 1000 }, headers: { "X-Custom-Header": "v" } });
    assert.match(webhook.id, /^wh_/);
    assert.equal(webhook.retry_config.max_attempts, 2);
    assert.deepEqual(webhook.headers, { "X-Custom-Header": "v" });
    const webhooks = await api.webhooks.list({ projectId });
    assert.ok(webhooks.data.some((w) => w.id === webhook.id));
    const logs = await api.webhooks.logs(webhook.id);
    assert.ok(Array.isArray(logs.data));
    const rotated = await api.webhooks.rotateSecret(webhook.id);
    assert.ok(rotated.secret);
    await api.webhooks.delete(webhook.id);
    const integration = await api.integrations.create({ type: "slack", name: "alerts",
      config: { webhookUrl: "http://127.0.0.1:9/slack" } });
    assert.match(integration.id, /^int_/);
    const integrations = await api.integrations.list();
    assert.ok(integrations.data.some((i) => i.id === integration.id));
  });

  test("errors carry the API's type, code, message and request id", async () => {
    const error = await api.events.track({ eventType: "page_view" }).catch((e) => e);
    assert.ok(error instanceof EchoTagError);
    assert.equal(error.status, 400);
    assert.equal(error.type, "invalid_request");
    assert.match(error.message, /visitor_id/);
    assert.ok(error.requestId);
    const denied = new EchoTagAPI({ apiKey: "et_live_00000000000000000000000000000000", baseUrl: gateway.baseUrl });
    await assert.rejects(denied.events.list(), { status: 401, type: "authentication" });
  });

  test("projects, keys and the escape hatch", async () => {
    const projects = await api.projects.list();
    assert.ok(projects.data.some((p) => p.id === projectId));
    const key = await api.auth.createKey({ name: "read-only", scopes: ["read"], projectIds: [projectId] });
    assert.match(key.key, /^et_live_/);
    const keys = await api.auth.listKeys();
    assert.ok(keys.data.some((k) => k.id === key.id));
    await api.auth.revokeKey(key.id);
    const raw = await api.request("/events", "GET", undefined, { query: { visitor_id: visitor, limit: 1 } });
    assert.equal(raw.data.length, 1);
  });

  test("analytics.get", async (t) => {
    const analytics = await orSkipMissingRoute(t, "GET /v1/analytics",
      () => api.analytics.get({ period: "30d", metrics: ["visitors", "events", "conversions"] }));
    if (analytics) {
      assert.equal(analytics.project_id, projectId);
      assert.ok(analytics.events.total >= 7);
    }
  });

  test("reports.create, list, get as CSV, delete", async (t) => {
    const report = await orSkipMissingRoute(t, "POST /v1/reports", () => api.reports.create({
      reportType: "events", groupBy: ["event_type"], metrics: ["count"], dateRange: "30d",
    }));
    if (!report) {
      return;
    }
    assert.deepEqual(report.results.columns, ["event_type", "count"]);
    assert.ok(report.results.rows.some((row) => row[0] === "queued" && Number(row[1]) === 4));
    const reports = await api.reports.list();
    assert.ok(reports.data.some((r) => r.id === report.id));
    const csv = await api.reports.get(report.id, { format: "csv" });
    assert.match(csv, /queued/);
    await api.reports.delete(report.id);
  });

  test("analytics.realtime and analytics.stream see a new event live", async (t) => {
    let snapshot = await orSkipMissingRoute(t, "GET /v1/analytics/realtime", () => api.analytics.realtime());
    if (!snapshot) {
      return;
    }
    assert.equal(snapshot.project_id, projectId);
    // Realtime counters fold committed events in once a second, so the earlier events may not be counted yet.
    await eventually(async () => {
      snapshot = await api.analytics.realtime();
      return snapshot.active_visitors >= 1;
    }, { timeoutMs: 10_000 });
    const stream = api.analytics.stream({ include: "events" });
    const snapshots = [];
    const live = [];
    stream.on("snapshot", (s) => snapshots.push(s)).on("event", (e) => live.push(e));
    try {
      await eventually(() => snapshots.length > 0, { timeoutMs: 10_000 });
      await api.events.track({ eventType: "live_check", visitorId: visitor });
      await eventually(() => live.some((e) => e.event_type === "live_check"), { timeoutMs: 10_000 });
      assert.ok(stream.lastEventId, "messages carry ids");
    } finally {
      stream.close();
    }
  });
});

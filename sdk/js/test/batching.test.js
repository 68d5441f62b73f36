import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { EchoTagAPI, EchoTagError } from "../index.js";
import { fakeFetch, json, networkError } from "./support/fake-fetch.js";

const KEY = "et_live_abcdefghijklmnopqrstuvwxyz012345";

/** Answers a batch like the API: every event accepted, ids in order. */
function acceptAll(call) {
  const events = call.body.events;
  return json(200, { accepted: events.length, ids: events.map((_, i) => `evt_${call.index ?? 0}_${i}`), errors: [] });
}

function client(batch, script = acceptAll, options = {}) {
  const fetch = fakeFetch(script);
  const api = new EchoTagAPI({
    apiKey: KEY, projectId: "proj_main", baseUrl: "https://api.example.com/v1", fetch,
    batch: { flushOnExit: false, ...batch }, initialRetryDelay: 1, ...options,
  });
  return { api, fetch };
}

test("with batching, track() queues and one POST /v1/events/batch leaves at maxSize events", async () => {
  const { api, fetch } = client({ maxSize: 3, flushInterval: 60_000 });
  const first = api.events.track({ eventType: "page_view", visitorId: "v1", data: { pageTitle: "A" } });
  api.events.track({ eventType: "page_view", visitorId: "v2" });
  assert.equal(fetch.calls.length, 0, "nothing sent below maxSize");
  api.events.track({ eventType: "purchase", visitorId: "v3", data: { revenue: 9.5 } });
  assert.deepEqual(await first, { id: "evt_0_0" });
  assert.equal(fetch.calls.length, 1);
  const [call] = fetch.calls;
  assert.equal(`${call.method} ${call.url.pathname}`, "POST /v1/events/batch");
  assert.equal(call.body.events.length, 3);
  assert.deepEqual(call.body.events.map((e) => e.event_type), ["page_view", "page_view", "purchase"]);
  assert.deepEqual(call.body.events[0].data, { pageTitle: "A" }, "data keys as written");
  assert.ok(call.body.events.every((e) => e.id && e.project_id === "proj_main" && e.timestamp));
  assert.ok(call.body.sent_at, "sent_at lets the API correct the client's clock");
  assert.ok(Date.parse(call.body.sent_at) >= Date.parse(call.body.events[0].timestamp));
});

test("a partial batch leaves after flushInterval ms", async () => {
  const { api, fetch } = client({ maxSize: 100, flushInterval: 40 });
  const started = Date.now();
  const tracked = api.events.track({ eventType: "a", visitorId: "v" });
  assert.equal(fetch.calls.length, 0);
  await tracked;
  assert.equal(fetch.calls.length, 1);
  assert.ok(fetch.calls[0].at - started >= 35, "sent by the timer");
});

test("flush() sends everything queued now and reports what was accepted", async () => {
  const { api, fetch } = client({ maxSize: 100, flushInterval: 60_000 });
  for (let i = 0; i < 5; i++) {
    api.events.track({ eventType: "e", visitorId: `v${i}` });
  }
  assert.deepEqual(await api.flush(), { accepted: 5, failed: 0 });
  assert.equal(fetch.calls.length, 1);
  assert.deepEqual(await api.flush(), { accepted: 0, failed: 0 }, "nothing left");
  assert.equal(fetch.calls.length, 1);
});

test("a queue larger than maxBatchSize leaves in several batches", async () => {
  const { api, fetch } = client({ maxSize: 1000, maxBatchSize: 4, flushInterval: 60_000 });
  for (let i = 0; i < 10; i++) {
    api.events.track({ eventType: "e", visitorId: "v" });
  }
  await api.flush();
  assert.deepEqual(fetch.calls.map((c) => c.body.events.length), [4, 4, 2]);
});

test("an event the API refuses rejects its own promise and reaches onError; the others resolve", async () => {
  const reported = [];
  const { api } = client({ maxSize: 3, flushInterval: 60_000, onError: (error, events) => reported.push([error, events]) },
    () => json(200, { accepted: 2, ids: ["evt_a", "evt_c"], errors: [{ index: 1, error: {
      type: "invalid_request", code: "missing_field", message: "Missing required fields: visitor_id", param: "visitor_id" } }] }));
  const a = api.events.track({ eventType: "a", visitorId: "v" });
  const b = api.events.track({ eventType: "b" });
  const c = api.events.track({ eventType: "c", visitorId: "v" });
  assert.deepEqual(await a, { id: "evt_a" });
  assert.deepEqual(await c, { id: "evt_c" });
  const error = await b.catch((e) => e);
  assert.ok(error instanceof EchoTagError);
  assert.equal(error.code, "missing_field");
  assert.equal(error.param, "visitor_id");
  assert.equal(reported.length, 1);
  assert.equal(reported[0][1][0].event_type, "b");
});

test("a batch is retried (its events carry ids), and when it finally fails every event is rejected", async () => {
  const ok = client({ maxSize: 2, flushInterval: 60_000 }, [networkError(), acceptAll]);
  ok.api.events.track({ eventType: "a", visitorId: "v" });
  assert.deepEqual(await ok.api.events.track({ eventType: "b", visitorId: "v" }), { id: "evt_0_1" });
  assert.equal(ok.fetch.calls.length, 2);
  assert.deepEqual(ok.fetch.calls[0].body.events.map((e) => e.id), ok.fetch.calls[1].body.events.map((e) => e.id));

  const reported = [];
  const bad = client({ maxSize: 2, flushInterval: 60_000, onError: (e) => reported.push(e) }, [networkError()],
    { maxRetries: 1 });
  bad.api.events.track({ eventType: "a", visitorId: "v" }); // fire and forget: no unhandled rejection
  const error = await bad.api.events.track({ eventType: "b", visitorId: "v" }).catch((e) => e);
  assert.equal(error.type, "connection");
  assert.equal(bad.fetch.calls.length, 2);
  assert.equal(reported.length, 1);
});

test("track({ … }, { immediate: true }) bypasses the queue", async () => {
  const { api, fetch } = client({ maxSize: 100, flushInterval: 60_000 }, () => json(201, { id: "evt_now" }));
  assert.deepEqual(await api.events.track({ eventType: "a", visitorId: "v" }, { immediate: true }), { id: "evt_now" });
  assert.equal(fetch.calls[0].url.pathname, "/v1/events");
});

test("in a browser, pagehide and visibilitychange → hidden flush with keepalive fetch", async () => {
  const saved = { window: globalThis.window, document: globalThis.document };
  const win = new EventTarget();
  const doc = new EventTarget();
  doc.visibilityState = "visible";
  globalThis.window = win;
  globalThis.document = doc;
  try {
    const { api, fetch } = client({ maxSize: 100, flushInterval: 60_000, flushOnExit: true });
    api.events.track({ eventType: "a", visitorId: "v" });
    doc.dispatchEvent(new Event("visibilitychange"));
    assert.equal(fetch.calls.length, 0, "still visible: nothing sent");
    doc.visibilityState = "hidden";
    doc.dispatchEvent(new Event("visibilitychange"));
    assert.equal(fetch.calls.length, 1);
    assert.equal(fetch.calls[0].keepalive, true);
    api.events.track({ eventType: "b", visitorId: "v", data: { big: "x".repeat(40_000) } });
    api.events.track({ eventType: "c", visitorId: "v", data: { big: "y".repeat(40_000) } });
    win.dispatchEvent(new Event("pagehide"));
    assert.equal(fetch.calls.length, 3, "keepalive bodies stay under 64 KiB: one event per request here");
    assert.ok(fetch.calls.slice(1).every((c) => c.keepalive && c.rawBody.length < 65_536));
    await api.close();
    api.events.track({ eventType: "d", visitorId: "v" });
    win.dispatchEvent(new Event("pagehide"));
    assert.equal(fetch.calls.length, 3, "close() detached the page hooks");
    await api.flush();
  } finally {
    globalThis.window = saved.window;
    globalThis.document = saved.document;
  }
});

test("in Node, events still queued are sent when the process is about to exit (beforeExit)", () => {
  const script = fileURLToPath(new URL("./support/exit-flush.js", import.meta.url));
  const result = spawnSync(process.execPath, [script], { encoding: "utf8", timeout: 20_000 });
  assert.equal(result.status, 0, result.stderr);
  const sent = JSON.parse(result.stdout.trim().split("\n").at(-1));
  assert.equal(sent.path, "/v1/events/batch");
  assert.deepEqual(sent.types, ["before_exit_1", "before_exit_2"]);
});

import { test } from "node:test";
import assert from "node:assert/strict";
import { EchoTagAPI, EchoTagError } from "../index.js";
import { apiError, fakeFetch, hang, json, networkError } from "./support/fake-fetch.js";

const KEY = "et_live_abcdefghijklmnopqrstuvwxyz012345";

function client(script, options = {}) {
  const fetch = fakeFetch(script);
  const api = new EchoTagAPI({
    apiKey: KEY, baseUrl: "https://api.example.com/v1", fetch, initialRetryDelay: 5, maxRetryDelay: 20, ...options,
  });
  return { api, fetch };
}

test("an API error becomes an EchoTagError with status, type, code, message, param and requestId", async () => {
  const { api } = client([() => apiError(422, "invalid_request", "invalid_conditions",
    'conditions.url: unknown operator "containz"', { param: "conditions.url" })]);
  const error = await api.triggers.create({ name: "t", eventType: "x", actions: [{ type: "add_tag", tag: "a" }] })
    .then(() => assert.fail("should have failed"), (e) => e);
  assert.ok(error instanceof EchoTagError);
  assert.ok(error instanceof Error);
  assert.equal(error.name, "EchoTagError");
  assert.equal(error.status, 422);
  assert.equal(error.type, "invalid_request");
  assert.equal(error.code, "invalid_conditions");
  assert.equal(error.message, 'conditions.url: unknown operator "containz"');
  assert.equal(error.param, "conditions.url");
  assert.equal(error.requestId, "req_from_body");
  assert.deepEqual(error.toJSON(), {
    name: "EchoTagError", status: 422, type: "invalid_request", code: "invalid_conditions",
    message: 'conditions.url: unknown operator "containz"', param: "conditions.url", requestId: "req_from_body",
  });
});

test("an error without a JSON body still has a type from its status and the X-Request-Id header", async () => {
  const { api } = client([() => new Response("upstream exploded", { status: 502, headers: { "X-Request-Id": "req_hdr" } })],
    { maxRetries: 0 });
  const error = await api.events.list().catch((e) => e);
  assert.equal(error.status, 502);
  assert.equal(error.type, "internal");
  assert.equal(error.requestId, "req_hdr");
  assert.equal(error.message, "upstream exploded");
});

test("a GET is retried after network errors and 5xx, then answers", async () => {
  const { api, fetch } = client([networkError(), () => apiError(500, "internal", "internal", "boom"),
    () => json(200, { data: [1] })]);
  assert.deepEqual(await api.events.list(), { data: [1] });
  assert.equal(fetch.calls.length, 3);
});

test("retries stop after maxRetries and throw the last error", async () => {
  const { api, fetch } = client(() => apiError(503, "unavailable", "database_unavailable", "down"), { maxRetries: 3 });
  const error = await api.visitors.get("v1").catch((e) => e);
  assert.equal(error.status, 503);
  assert.equal(error.type, "unavailable");
  assert.equal(fetch.calls.length, 4);
});

test("Retry-After is honoured: a 429 waits the seconds the server asked for", async () => {
  const { api, fetch } = client([
    () => apiError(429, "rate_limited", "rate_limited", "slow down", {}, { "Retry-After": "1" }),
    () => json(200, { data: [] }),
  ], { initialRetryDelay: 1 });
  await api.triggers.list();
  assert.equal(fetch.calls.length, 2);
  const waited = fetch.calls[1].at - fetch.calls[0].at;
  assert.ok(waited >= 950, `waited ${waited} ms for Retry-After: 1`);
  assert.ok(waited < 3000, `waited ${waited} ms`);
});

test("a Retry-After longer than maxRetryAfter is not waited for: the error is thrown at once", async () => {
  const { api, fetch } = client([() => apiError(503, "unavailable", "unavailable", "later", {}, { "Retry-After": "120" })],
    { maxRetryAfter: 10_000 });
  const error = await api.events.list().catch((e) => e);
  assert.equal(error.status, 503);
  assert.equal(error.retryAfter, 120);
  assert.equal(fetch.calls.length, 1);
});

test("unsafe POSTs are never retried (no duplicate trigger on a 503 or a network error)", async () => {
  const { api, fetch } = client([() => apiError(503, "unavailable", "unavailable", "down", {}, { "Retry-After": "0" })]);
  await assert.rejects(api.triggers.create({ name: "t", eventType: "x", actions: [] }), { status: 503 });
  assert.equal(fetch.calls.length, 1);
  const second = client([networkError()]);
  await assert.rejects(second.api.webhooks.test("wh_1"), { status: 0, type: "connection" });
  assert.equal(second.fetch.calls.length, 1);
  const third = client([() => apiError(429, "rate_limited", "rate_limited", "slow", {}, { "Retry-After": "0" })]);
  await assert.rejects(third.api.request("/reports", "POST", {}), { status: 429 });
  assert.equal(third.fetch.calls.length, 1);
});

test("events.track is retried with the same generated id, so the API stores it once", async () => {
  const { api, fetch } = client([networkError(), () => apiError(503, "unavailable", "unavailable", "down", {}, { "Retry-After": "0" }),
    () => json(201, { id: "evt_1" })]);
  assert.deepEqual(await api.events.track({ eventType: "page_view", visitorId: "v" }), { id: "evt_1" });
  assert.equal(fetch.calls.length, 3);
  const ids = new Set(fetch.calls.map((c) => c.body.id));
  assert.equal(ids.size, 1, "every attempt carries the same id");
});

test("4xx other than 408/429 are not retried, even for a GET", async () => {
  const { api, fetch } = client([() => apiError(404, "invalid_request", "visitor_not_found", "No visitor v")]);
  await assert.rejects(api.visitors.get("v"), { status: 404, code: "visitor_not_found" });
  assert.equal(fetch.calls.length, 1);
});

test("a request that takes longer than timeout is aborted with a timeout error, and retried when safe", async () => {
  const { api, fetch } = client([hang, hang], { timeout: 50, maxRetries: 1 });
  const started = Date.now();
  const error = await api.events.list().catch((e) => e);
  assert.ok(error instanceof EchoTagError);
  assert.equal(error.type, "timeout");
  assert.equal(error.status, 0);
  assert.equal(fetch.calls.length, 2, "a timed-out GET is retried");
  assert.ok(fetch.calls.every((c) => c.signal.aborted), "each attempt's fetch was aborted");
  assert.ok(Date.now() - started < 2000);

  const post = client([hang], { timeout: 30 });
  await assert.rejects(post.api.projects.create({ name: "p" }), { type: "timeout" });
  assert.equal(post.fetch.calls.length, 1, "a timed-out POST is not repeated");
});

test("a per-call timeout overrides the client's, and the caller's signal aborts without retry", async () => {
  const { api, fetch } = client([hang], { timeout: 60_000 });
  await assert.rejects(api.events.list({}, { timeout: 20 }), { type: "timeout" });
  const controller = new AbortController();
  const pending = api.events.list({}, { signal: controller.signal, maxRetries: 5 });
  setTimeout(() => controller.abort(), 10);
  await assert.rejects(pending, { type: "aborted" });
  assert.equal(fetch.calls.length, 4, "3 attempts for the timeout (maxRetries 2) + 1 aborted, not retried");
});

test("backoff grows exponentially with jitter between retries", async () => {
  const { api, fetch } = client(() => apiError(500, "internal", "internal", "boom"),
    { initialRetryDelay: 40, maxRetryDelay: 1000, maxRetries: 3, random: () => 1 });
  await api.events.list().catch(() => {});
  const gaps = fetch.calls.slice(1).map((c, i) => c.at - fetch.calls[i].at);
  assert.equal(gaps.length, 3);
  assert.ok(gaps[0] >= 38 && gaps[1] >= 78 && gaps[2] >= 158, `gaps ${gaps}`);
  assert.ok(gaps[2] > gaps[0] * 2.5, `gaps ${gaps}`);
});

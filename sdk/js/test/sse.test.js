import { test } from "node:test";
import assert from "node:assert/strict";
import { EchoTagAPI, SSEParser } from "../index.js";
import { apiError, eventStream, fakeFetch, json } from "./support/fake-fetch.js";

const KEY = "et_live_abcdefghijklmnopqrstuvwxyz012345";

function parseAll(chunks) {
  const messages = [];
  const comments = [];
  const retries = [];
  const parser = new SSEParser({ onMessage: (m) => messages.push(m), onComment: (c) => comments.push(c), onRetry: (r) => retries.push(r) });
  for (const chunk of chunks) {
    parser.push(chunk);
  }
  return { messages, comments, retries, parser };
}

test("SSEParser: event, id, multi-line data, comments, retry, and a message split across chunks", () => {
  const text = ": keep-alive\n\nevent: snapshot\nid: 7\ndata: {\"active_visitors\":\ndata: 3}\n\n"
    + "retry: 2500\ndata:plain\n\nevent: event\nid: 8\ndata: {\"id\":\"evt_1\"}\n\n";
  for (const size of [1, 2, 3, 7, text.length]) {
    const chunks = [];
    for (let i = 0; i < text.length; i += size) {
      chunks.push(text.slice(i, i + size));
    }
    const { messages, comments, retries } = parseAll(chunks);
    assert.deepEqual(messages, [
      { type: "snapshot", id: "7", data: "{\"active_visitors\":\n3}" },
      { type: "message", id: "7", data: "plain" },
      { type: "event", id: "8", data: "{\"id\":\"evt_1\"}" },
    ], `chunks of ${size}`);
    assert.deepEqual(comments, ["keep-alive"]);
    assert.deepEqual(retries, [2500]);
  }
});

test("SSEParser: CRLF and CR line endings (also split between chunks), BOM, no-data messages, NUL ids", () => {
  const { messages, parser } = parseAll(["\uFEFFid: 1\r", "\ndata: a\r\r", "id: 2\nevent: x\n\n", "id: bad\0id\ndata: b\r\n\r\n",
    "data: unfinished"]);
  assert.deepEqual(messages, [
    { type: "message", id: "1", data: "a" },
    { type: "message", id: "2", data: "b" },
  ], "a message without data is not dispatched but its id counts; an id with NUL is ignored; an unfinished message is not dispatched");
  assert.equal(parser.lastEventId, "2");
});

function streamClient(script, options = {}) {
  const fetch = fakeFetch(script);
  const api = new EchoTagAPI({ apiKey: KEY, projectId: "proj_main", baseUrl: "https://api.example.com/v1", fetch, ...options });
  return { api, fetch };
}

test("analytics.stream(): snapshots and events over fetch with the Authorization header, parsed JSON", async () => {
  const { api, fetch } = streamClient([(call) => eventStream([
    "event: snapshot\nid: 1\ndata: {\"active_visitors\": 2, \"events_per_second\": 0.5}\n\n",
    ": keep-alive\n\n",
    "event: event\nid: 2\ndata: {\"id\": \"evt_9\", \"event_type\": \"page_view\"}\n\n",
  ], { hold: true, signal: call.signal })]);
  const snapshots = [];
  const events = [];
  const stream = api.analytics.stream({ include: "events", eventType: "page_view" }, { onSnapshot: (s) => snapshots.push(s) });
  stream.on("event", (e) => events.push(e));
  const opened = new Promise((resolve) => stream.on("open", resolve));
  await opened;
  await new Promise((resolve) => {
    const check = () => (events.length ? resolve() : setTimeout(check, 5));
    check();
  });
  stream.close();
  await stream.done;
  assert.deepEqual(snapshots, [{ active_visitors: 2, events_per_second: 0.5 }]);
  assert.deepEqual(events, [{ id: "evt_9", event_type: "page_view" }]);
  assert.equal(stream.lastEventId, "2");
  assert.equal(stream.readyState, "closed");
  const [call] = fetch.calls;
  assert.equal(call.url.pathname, "/v1/analytics/realtime/stream");
  assert.deepEqual(Object.fromEntries(call.url.searchParams), { include: "events", event_type: "page_view", project_id: "proj_main" });
  assert.equal(call.headers.authorization, `Bearer ${KEY}`);
  assert.equal(call.headers.accept, "text/event-stream");
  assert.equal(call.headers["last-event-id"], undefined);
});

test("the stream reconnects after the connection ends or fails, sending Last-Event-ID, and honours retry:", async () => {
  const { api, fetch } = streamClient([
    () => eventStream(["retry: 10\n", "event: event\nid: 41\ndata: {\"n\":1}\n\n", "event: event\nid: 42\ndata: {\"n\":2}\n\n"]),
    () => new TypeError("fetch failed"),
    () => apiError(503, "unavailable", "unavailable", "busy", {}, { "Retry-After": "0" }),
    (call) => eventStream(["event: event\nid: 43\ndata: {\"n\":3}\n\n"], { hold: true, signal: call.signal }),
  ]);
  const stream = api.analytics.stream({}, {});
  const seen = [];
  const reconnecting = [];
  const errors = [];
  stream.on("reconnecting", (r) => reconnecting.push(r)).on("error", (e) => errors.push(e));
  for await (const message of stream) {
    seen.push(message);
    if (seen.length === 3) {
      break; // ends the iteration and closes the stream
    }
  }
  assert.deepEqual(seen.map((m) => [m.type, m.id, m.data.n]), [["event", "41", 1], ["event", "42", 2], ["event", "43", 3]]);
  assert.equal(fetch.calls.length, 4);
  assert.equal(fetch.calls[0].headers["last-event-id"], undefined);
  assert.deepEqual(fetch.calls.slice(1).map((c) => c.headers["last-event-id"]), ["42", "42", "42"]);
  assert.equal(reconnecting[0].delay, 10, "the server's retry: field sets the delay");
  assert.deepEqual(errors.map((e) => e.status), [0, 503]);
  assert.equal(stream.readyState, "closed");
});

test("a 401 on the stream is final: error, close, no reconnection; the iterator throws it", async () => {
  const { api, fetch } = streamClient([() => apiError(401, "authentication", "invalid_api_key", "Unknown API key")]);
  const stream = api.analytics.stream();
  const errors = [];
  stream.on("error", (e) => errors.push(e));
  await assert.rejects(async () => {
    for await (const message of stream) {
      assert.fail(`unexpected ${message}`);
    }
  }, { status: 401, code: "invalid_api_key" });
  await stream.done;
  assert.equal(fetch.calls.length, 1);
  assert.equal(errors.length, 1);
});

test("a silent stream (no keep-alive within heartbeatTimeout) is dropped and reopened", async () => {
  const { api, fetch } = streamClient([
    (call) => eventStream(["event: snapshot\nid: 5\ndata: {}\n\n"], { hold: true, signal: call.signal }),
    (call) => eventStream([], { hold: true, signal: call.signal }),
  ]);
  const stream = api.analytics.stream({ heartbeatTimeout: 50, reconnectDelay: 5 });
  const error = await new Promise((resolve) => stream.on("error", resolve));
  assert.equal(error.code, "stream_stalled");
  await new Promise((resolve) => stream.on("open", resolve));
  stream.close();
  assert.equal(fetch.calls[1].headers["last-event-id"], "5");
});

test("transport 'eventsource' gets a stream token and opens EventSource with ?access_token=", async () => {
  const created = [];
  class FakeEventSource extends EventTarget {
    constructor(url) {
      super();
      this.url = new URL(url);
      this.readyState = 0;
      created.push(this);
      queueMicrotask(() => {
        this.readyState = 1;
        this.dispatchEvent(new Event("open"));
        const message = new MessageEvent("snapshot", { data: "{\"active_visitors\":4}", lastEventId: "11" });
        this.dispatchEvent(message);
      });
    }

    close() {
      this.readyState = 2;
      this.closed = true;
    }
  }
  const { api, fetch } = streamClient([() => json(201, { token: "st_abc", expires_at: new Date(Date.now() + 3_600_000).toISOString() })]);
  const stream = api.analytics.stream({ include: "events", transport: "eventsource", EventSource: FakeEventSource });
  const snapshot = await new Promise((resolve) => stream.on("snapshot", resolve));
  assert.deepEqual(snapshot, { active_visitors: 4 });
  assert.equal(stream.lastEventId, "11");
  assert.equal(fetch.calls[0].url.pathname, "/v1/analytics/realtime/token");
  assert.deepEqual(fetch.calls[0].body, { project_id: "proj_main" });
  assert.equal(created[0].url.pathname, "/v1/analytics/realtime/stream");
  assert.equal(created[0].url.searchParams.get("access_token"), "st_abc");
  assert.equal(created[0].url.searchParams.get("include"), "events");
  stream.close();
  assert.ok(created[0].closed);
});

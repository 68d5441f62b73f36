// Server-Sent Events over fetch (so that the Authorization header works in Node and browsers),
// with reconnection and Last-Event-ID; or the browser's EventSource with a stream token.

import { EchoTagError } from "./errors.js";
import { isRetryableStatus, sleep } from "./http.js";

/**
 * An incremental `text/event-stream` parser following the WHATWG rules: lines end with CRLF, LF
 * or CR (also across chunks); `:` starts a comment; `data` lines are joined with `\n`; a blank
 * line dispatches; an `id` containing NUL is ignored; `retry` takes digits only; a message
 * without data is not dispatched (but its `id` still counts); an unfinished message at the end
 * of the stream is dropped.
 */
export class SSEParser {
  constructor({ onMessage, onComment, onRetry } = {}) {
    this.onMessage = onMessage || (() => {});
    this.onComment = onComment || (() => {});
    this.onRetry = onRetry || (() => {});
    this.buffer = "";
    this.first = true;
    this.pendingCR = false;
    this.lastEventId = "";
    this.reset();
  }

  reset() {
    this.eventType = "";
    this.data = "";
    this.hasData = false;
  }

  /** Feeds decoded text; dispatches every complete message it holds. */
  push(text) {
    if (this.first && text.length > 0) {
      this.first = false;
      if (text.charCodeAt(0) === 0xfeff) {
        text = text.slice(1);
      }
    }
    if (this.pendingCR && text.startsWith("\n")) {
      text = text.slice(1); // the LF of a CRLF split across chunks
    }
    this.pendingCR = false;
    this.buffer += text;
    let start = 0;
    for (let i = 0; i < this.buffer.length; i++) {
      const c = this.buffer[i];
      if (c !== "\n" && c !== "\r") {
        continue;
      }
      this.line(this.buffer.slice(start, i));
      if (c === "\r") {
        if (i + 1 === this.buffer.length) {
          this.pendingCR = true;
        } else if (this.buffer[i + 1] === "\n") {
          i++;
        }
      }
      start = i + 1;
    }
    this.buffer = this.buffer.slice(start);
  }

  line(line) {
    if (line === "") {
      this.dispatch();
      return;
    }
    if (line.startsWith(":")) {
      this.onComment(line.slice(1).replace(/^ /, ""));
      return;
    }
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) {
      value = value.slice(1);
    }
    switch (field) {
      case "event":
        this.eventType = value;
        break;
      case "data":
        this.data += `${value}\n`;
        this.hasData = true;
        break;
      case "id":
        if (!value.includes("\0")) {
          this.lastEventId = value;
        }
        break;
      case "retry":
        if (/^\d+$/.test(value)) {
          this.onRetry(Number(value));
        }
        break;
      default:
        break; // unknown fields are ignored
    }
  }

  dispatch() {
    if (!this.hasData) {
      this.reset();
      return;
    }
    const message = {
      type: this.eventType || "message",
      id: this.lastEventId,
      data: this.data.endsWith("\n") ? this.data.slice(0, -1) : this.data,
    };
    this.reset();
    this.onMessage(message);
  }
}

function parseData(text) {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * A live subscription to `GET /v1/analytics/realtime/stream`. Listen with `on("snapshot" |
 * "event" | "message" | "open" | "error" | "reconnecting" | "close", fn)` or iterate it with
 * `for await`. Reconnects by itself (sending `Last-Event-ID`, so the server replays what was
 * missed) until `close()` or an error that retrying cannot fix (401, 403, 404, …).
 */
export class RealtimeStream {
  constructor(http, { path, query, tokenPath, tokenBody, transport = "fetch", lastEventId = "",
    reconnectDelay = 1000, maxReconnectDelay = 30_000, heartbeatTimeout = 45_000, EventSource } = {}, handlers = {}) {
    this.http = http;
    this.path = path;
    this.query = query || {};
    this.tokenPath = tokenPath;
    this.tokenBody = tokenBody;
    this.transport = transport;
    this.lastEventId = lastEventId;
    this.reconnectDelay = reconnectDelay;
    this.maxReconnectDelay = maxReconnectDelay;
    this.heartbeatTimeout = heartbeatTimeout;
    this.EventSource = EventSource || globalThis.EventSource;
    this.listeners = new Map();
    this.readyState = "connecting";
    this.closed = false;
    this.controller = null;
    this.source = null;
    this.serverRetry = null;
    const names = { onSnapshot: "snapshot", onEvent: "event", onMessage: "message", onOpen: "open",
      onError: "error", onReconnecting: "reconnecting", onClose: "close" };
    for (const [key, type] of Object.entries(names)) {
      if (typeof handlers[key] === "function") {
        this.on(type, handlers[key]);
      }
    }
    // Start on the next tick so that listeners attached right after stream() see the first snapshot.
    this.done = new Promise((resolve) => {
      this.resolveDone = resolve;
    });
    queueMicrotask(() => {
      if (this.closed) {
        return;
      }
      const run = this.transport === "eventsource" ? this.runEventSource() : this.runFetch();
      run.catch((error) => this.fail(error));
    });
  }

  on(type, fn) {
    if (!this.listeners.has(type)) {
      this.listeners.set(type, new Set());
    }
    this.listeners.get(type).add(fn);
    return this;
  }

  off(type, fn) {
    const set = this.listeners.get(type);
    if (set) {
      set.delete(fn);
    }
    return this;
  }

  emit(type, value) {
    const set = this.listeners.get(type);
    if (!set) {
      return;
    }
    for (const fn of [...set]) {
      try {
        fn(value);
      } catch (error) {
        // a listener's bug must not kill the stream; surface it asynchronously
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }

  /** Stops the stream for good; no reconnection. */
  close() {
    if (this.closed) {
      return;
    }
    this.closed = true;
    this.readyState = "closed";
    if (this.controller) {
      this.controller.abort();
    }
    if (this.source) {
      this.source.close();
    }
    clearTimeout(this.refreshTimer);
    if (this.resolveSource) {
      this.resolveSource("closed");
    }
    this.emit("close");
    this.resolveDone();
  }

  fail(error) {
    if (this.closed) {
      return;
    }
    this.fatalError = error;
    this.emit("error", error);
    this.close();
  }

  deliver(message) {
    const delivered = { type: message.type, id: message.id, data: parseData(message.data) };
    if (message.id !== undefined && message.id !== null && message.id !== "") {
      this.lastEventId = message.id;
    }
    if (delivered.type !== "message") {
      this.emit(delivered.type, delivered.data);
    }
    this.emit("message", delivered);
  }

  backoff(failures) {
    const base = this.serverRetry ?? this.reconnectDelay;
    if (failures <= 1) {
      return base;
    }
    const step = Math.min(this.maxReconnectDelay, base * 2 ** (failures - 1));
    return Math.round(step * (0.5 + Math.random() / 2));
  }

  async runFetch() {
    let failures = 0;
    while (!this.closed) {
      let retryAfterMs = null;
      try {
        const opened = await this.connectOnce();
        failures = opened ? 0 : failures;
      } catch (error) {
        if (this.closed) {
          return;
        }
        if (error instanceof EchoTagError && error.status && !isRetryableStatus(error.status)) {
          throw error; // 401, 403, 404…: retrying cannot help
        }
        if (error && error.fatal) {
          throw error;
        }
        retryAfterMs = error && error.retryAfter != null ? error.retryAfter * 1000 : null;
        this.emit("error", error);
      }
      if (this.closed) {
        return;
      }
      failures++;
      const delay = retryAfterMs ?? this.backoff(failures);
      this.readyState = "connecting";
      this.emit("reconnecting", { delay, lastEventId: this.lastEventId, attempt: failures });
      this.controller = new AbortController();
      try {
        await sleep(delay, this.controller.signal);
      } catch {
        return; // closed while waiting
      }
    }
  }

  /** One connection, until the server ends it. Resolves true when it had opened. */
  async connectOnce() {
    const controller = new AbortController();
    this.controller = controller;
    // only CORS-allowed headers (Authorization, Last-Event-ID): browsers on another origin preflight them
    const headers = this.http.baseHeaders({ Accept: "text/event-stream" });
    if (this.lastEventId) {
      headers["Last-Event-ID"] = this.lastEventId;
    }
    let watchdog = null;
    let stalled = false;
    const arm = () => {
      clearTimeout(watchdog);
      if (this.heartbeatTimeout > 0) {
        watchdog = setTimeout(() => {
          stalled = true;
          controller.abort();
        }, this.heartbeatTimeout);
      }
    };
    arm();
    let response;
    try {
      response = await this.http.fetch(this.http.url(this.path, this.query), {
        method: "GET", headers, signal: controller.signal,
      });
      if (!response.ok) {
        const text = await response.text();
        let body = text;
        try {
          body = JSON.parse(text);
        } catch {
          // keep the text
        }
        throw EchoTagError.fromResponse(response.status, body, response.headers);
      }
      const type = (response.headers.get("content-type") || "").toLowerCase();
      if (!type.includes("text/event-stream") || !response.body) {
        const error = new EchoTagError({ status: response.status, type: "invalid_response", code: "not_event_stream",
          message: `Expected text/event-stream, got ${type || "no content type"}` });
        error.fatal = true;
        throw error;
      }
      this.readyState = "open";
      this.emit("open", { lastEventId: this.lastEventId });
      const parser = new SSEParser({
        onMessage: (message) => this.deliver(message),
        onRetry: (ms) => {
          this.serverRetry = ms;
        },
      });
      if (this.lastEventId) {
        parser.lastEventId = this.lastEventId;
      }
      const reader = response.body.getReader();
      const decoder = new TextDecoder();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) {
          break;
        }
        arm();
        parser.push(decoder.decode(value, { stream: true }));
        if (this.closed) {
          reader.cancel().catch(() => {});
          break;
        }
      }
      parser.push(decoder.decode());
      return true;
    } catch (error) {
      if (error instanceof EchoTagError) {
        throw error;
      }
      if (this.closed) {
        return true;
      }
      throw new EchoTagError({
        status: 0,
        type: stalled ? "timeout" : "connection",
        code: stalled ? "stream_stalled" : "network_error",
        message: stalled ? `No data for ${this.heartbeatTimeout} ms; reconnecting`
          : `Stream connection failed: ${error && error.message ? error.message : error}`,
        cause: error,
      });
    } finally {
      clearTimeout(watchdog);
    }
  }

  /** Browsers: EventSource with a short-lived read-only stream token (`?access_token=`). */
  async runEventSource() {
    const Source = this.EventSource;
    if (typeof Source !== "function") {
      throw new TypeError("EchoTag: transport \"eventsource\" needs a global EventSource (or options.EventSource)");
    }
    let failures = 0;
    while (!this.closed) {
      const token = await this.http.request({ method: "POST", path: this.tokenPath, body: this.tokenBody, safe: false });
      if (this.closed) {
        return;
      }
      const ended = await new Promise((resolve) => {
        const source = new Source(this.http.url(this.path, { ...this.query, access_token: token.token }));
        this.source = source;
        const forward = (type) => (e) => this.deliver({ type, id: e.lastEventId, data: e.data });
        source.addEventListener("snapshot", forward("snapshot"));
        source.addEventListener("event", forward("event"));
        source.addEventListener("message", forward("message"));
        source.addEventListener("open", () => {
          failures = 0;
          this.readyState = "open";
          this.emit("open", { lastEventId: this.lastEventId });
        });
        source.addEventListener("error", () => {
          // EventSource reconnects by itself (with Last-Event-ID) unless it gave up (CLOSED = 2).
          if (source.readyState === 2) {
            resolve("closed");
          } else {
            this.readyState = "connecting";
          }
        });
        const expires = Date.parse(token.expires_at);
        if (!Number.isNaN(expires)) {
          // a fresh token a minute before this one expires
          this.refreshTimer = setTimeout(() => resolve("refresh"), Math.max(1000, expires - Date.now() - 60_000));
        }
        this.resolveSource = resolve;
      });
      clearTimeout(this.refreshTimer);
      if (this.source) {
        this.source.close();
      }
      if (this.closed) {
        return;
      }
      if (ended === "closed") {
        failures++;
        this.emit("error", new EchoTagError({ status: 0, type: "connection", code: "stream_closed",
          message: "The event stream closed; reconnecting with a new token" }));
        await sleep(this.backoff(failures));
      }
    }
  }

  [Symbol.asyncIterator]() {
    const queue = [];
    let waiting = null;
    const onMessage = (message) => {
      if (waiting) {
        waiting.resolve({ value: message, done: false });
        waiting = null;
      } else {
        queue.push(message);
      }
    };
    const onClose = () => {
      if (waiting) {
        if (this.fatalError) {
          waiting.reject(this.fatalError);
        } else {
          waiting.resolve({ value: undefined, done: true });
        }
        waiting = null;
      }
    };
    this.on("message", onMessage);
    this.on("close", onClose);
    return {
      next: () => {
        if (queue.length > 0) {
          return Promise.resolve({ value: queue.shift(), done: false });
        }
        if (this.closed) {
          return this.fatalError ? Promise.reject(this.fatalError) : Promise.resolve({ value: undefined, done: true });
        }
        return new Promise((resolve, reject) => {
          waiting = { resolve, reject };
        });
      },
      return: () => {
        this.off("message", onMessage);
        this.off("close", onClose);
        this.close();
        return Promise.resolve({ value: undefined, done: true });
      },
      [Symbol.asyncIterator]() {
        return this;
      },
    };
  }
}

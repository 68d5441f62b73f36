// One HTTP exchange with the API: auth, JSON, timeouts, retries.

import { EchoTagError } from "./errors.js";
import { toQuery } from "./case.js";

export const VERSION = "0.1.0";

export const DEFAULTS = Object.freeze({
  baseUrl: "http://localhost:8080/v1",
  timeoutMs: 30_000,
  maxRetries: 2,
  initialRetryDelayMs: 500,
  maxRetryDelayMs: 8_000,
  maxRetryAfterMs: 60_000,
});

/** Methods that may be repeated without changing the outcome (RFC 9110 idempotent methods). */
const IDEMPOTENT_METHODS = new Set(["GET", "HEAD", "OPTIONS", "PUT", "DELETE"]);

/** Statuses worth another try: the server was busy, overloaded or failed without deciding. */
export function isRetryableStatus(status) {
  return status === 408 || status === 429 || status >= 500;
}

/** `http://host` → `http://host/v1`; a base that already names a path is kept as is. */
export function normalizeBaseUrl(baseUrl) {
  const url = new URL(baseUrl);
  let path = url.pathname.replace(/\/+$/, "");
  if (path === "") {
    path = "/v1";
  }
  return `${url.origin}${path}`;
}

export function sleep(ms, signal) {
  return new Promise((resolve, reject) => {
    if (signal && signal.aborted) {
      reject(abortedError(signal));
      return;
    }
    const timer = setTimeout(() => {
      if (signal) {
        signal.removeEventListener("abort", onAbort);
      }
      resolve();
    }, ms);
    function onAbort() {
      clearTimeout(timer);
      reject(abortedError(signal));
    }
    if (signal) {
      signal.addEventListener("abort", onAbort, { once: true });
    }
  });
}

function abortedError(signal) {
  return new EchoTagError({
    status: 0,
    type: "aborted",
    code: "aborted",
    message: "The request was aborted",
    cause: signal && signal.reason,
  });
}

export class HttpClient {
  constructor(options) {
    if (!options.apiKey) {
      throw new TypeError("EchoTag: apiKey is required (et_live_…)");
    }
    const fetchImpl = options.fetch || globalThis.fetch;
    if (typeof fetchImpl !== "function") {
      throw new TypeError("EchoTag: no fetch available; pass options.fetch (Node 18+ and browsers have one)");
    }
    this.apiKey = options.apiKey;
    this.baseUrl = normalizeBaseUrl(options.baseUrl || DEFAULTS.baseUrl);
    this.fetch = options.fetch ? fetchImpl : (...args) => fetchImpl(...args); // keep `this` right for window.fetch
    this.timeoutMs = options.timeout ?? DEFAULTS.timeoutMs;
    this.maxRetries = options.maxRetries ?? DEFAULTS.maxRetries;
    this.initialRetryDelayMs = options.initialRetryDelay ?? DEFAULTS.initialRetryDelayMs;
    this.maxRetryDelayMs = options.maxRetryDelay ?? DEFAULTS.maxRetryDelayMs;
    this.maxRetryAfterMs = options.maxRetryAfter ?? DEFAULTS.maxRetryAfterMs;
    this.headers = { ...(options.headers || {}) };
    this.random = options.random || Math.random;
  }

  /** The absolute URL of an API path (`/events`, or `/v1/events` when the base ends in `/v1`). */
  url(path, query) {
    let relative = path.startsWith("/") ? path : `/${path}`;
    if (this.baseUrl.endsWith("/v1") && (relative === "/v1" || relative.startsWith("/v1/"))) {
      relative = relative.slice(3);
    }
    const search = query instanceof URLSearchParams ? query : toQuery(query);
    const text = search.toString();
    return `${this.baseUrl}${relative}${text ? `?${text}` : ""}`;
  }

  /** Headers sent with every request (also used by the SSE stream). */
  baseHeaders(extra) {
    const headers = { Authorization: `Bearer ${this.apiKey}`, Accept: "application/json", ...this.headers };
    if (typeof window === "undefined" && typeof process !== "undefined" && process.versions && process.versions.node) {
      headers["User-Agent"] = `echotag-sdk-js/${VERSION} node/${process.versions.node}`;
    }
    return { ...headers, ...(extra || {}) };
  }

  /**
   * Sends one request, retrying it when it is safe to repeat: `safe` (default: the method is
   * idempotent) and the failure is a network error, a timeout, 408, 429 or 5xx. Answers the
   * parsed JSON (or text for other content types; undefined for an empty body).
   */
  async request({ method = "GET", path, query, body, safe, options = {} }) {
    const upper = method.toUpperCase();
    const repeatable = safe ?? IDEMPOTENT_METHODS.has(upper);
    const maxRetries = repeatable ? (options.maxRetries ?? this.maxRetries) : 0;
    const url = this.url(path, query);
    const headers = this.baseHeaders(options.headers);
    let payload;
    if (body !== undefined && body !== null) {
      payload = typeof body === "string" ? body : JSON.stringify(body);
      headers["Content-Type"] = "application/json";
    }
    if (options.idempotencyKey) {
      headers["Idempotency-Key"] = options.idempotencyKey;
    }
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.once(upper, url, headers, payload, options);
      } catch (error) {
        if (!(error instanceof EchoTagError) || attempt >= maxRetries || !this.retryable(error)) {
          throw error;
        }
        const wait = this.retryDelay(attempt, error);
        if (wait == null) {
          throw error;
        }
        await sleep(wait, options.signal);
      }
    }
  }

  retryable(error) {
    if (error.status === 0) {
      return error.type === "connection" || error.type === "timeout";
    }
    return isRetryableStatus(error.status);
  }

  /** The wait before retry number `attempt + 1`: `Retry-After` when the server said, else backoff. */
  retryDelay(attempt, error) {
    if (error.retryAfter != null) {
      const ms = error.retryAfter * 1000;
      return ms > this.maxRetryAfterMs ? null : ms;
    }
    const exponential = Math.min(this.maxRetryDelayMs, this.initialRetryDelayMs * 2 ** attempt);
    return Math.round(exponential * (0.5 + this.random() / 2)); // "equal jitter": [½, 1] × the step
  }

  async once(method, url, headers, payload, options) {
    const timeoutMs = options.timeout ?? this.timeoutMs;
    const controller = new AbortController();
    const signal = options.signal;
    let timedOut = false;
    const onAbort = () => controller.abort(signal.reason);
    if (signal) {
      if (signal.aborted) {
        throw abortedError(signal);
      }
      signal.addEventListener("abort", onAbort, { once: true });
    }
    const timer = timeoutMs > 0 && Number.isFinite(timeoutMs)
      ? setTimeout(() => {
        timedOut = true;
        controller.abort();
      }, timeoutMs)
      : null;
    let response;
    let text;
    try {
      response = await this.fetch(url, {
        method,
        headers,
        body: payload,
        signal: controller.signal,
        keepalive: options.keepalive || undefined,
      });
      text = await response.text();
    } catch (cause) {
      if (timedOut) {
        throw new EchoTagError({
          status: 0, type: "timeout", code: "timeout",
          message: `${method} ${url} timed out after ${timeoutMs} ms`, cause,
        });
      }
      if (signal && signal.aborted) {
        throw abortedError(signal);
      }
      throw new EchoTagError({
        status: 0, type: "connection", code: "network_error",
        message: `${method} ${url} failed: ${cause && cause.message ? cause.message : cause}`, cause,
      });
    } finally {
      if (timer) {
        clearTimeout(timer);
      }
      if (signal) {
        signal.removeEventListener("abort", onAbort);
      }
    }
    const parsed = parseBody(text, response.headers.get("content-type"));
    if (!response.ok) {
      throw EchoTagError.fromResponse(response.status, parsed, response.headers);
    }
    return parsed;
  }
}

function parseBody(text, contentType) {
  if (text === "" || text == null) {
    return undefined;
  }
  const type = (contentType || "").toLowerCase();
  if (type.includes("json") || (!type && /^[[{]/.test(text.trim()))) {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return text;
}

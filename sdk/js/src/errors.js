// The one error type the SDK throws.

const TYPE_BY_STATUS = {
  400: "invalid_request",
  401: "authentication",
  403: "permission",
  404: "invalid_request",
  409: "invalid_request",
  413: "invalid_request",
  415: "invalid_request",
  422: "invalid_request",
  429: "rate_limited",
  503: "unavailable",
};

/**
 * An error answered by the API (`status` ≥ 400, with the API's `type`, `code`, `message`,
 * `param`, `requestId`), or a request that got no answer (`status` 0, `type` `connection` or
 * `timeout`, or `aborted` when the caller's signal aborted it).
 */
export class EchoTagError extends Error {
  constructor({ status = 0, type, code, message, param, requestId, retryAfter, body, headers, cause } = {}) {
    super(message || `EchoTag request failed${status ? ` with status ${status}` : ""}`, cause ? { cause } : undefined);
    this.name = "EchoTagError";
    this.status = status;
    this.type = type || typeForStatus(status);
    this.code = code || this.type;
    this.param = param ?? null;
    this.requestId = requestId ?? null;
    /** Seconds the server asked to wait (`Retry-After`), or null. */
    this.retryAfter = retryAfter ?? null;
    /** The parsed error body (or its text) as the API sent it. */
    this.body = body ?? null;
    this.headers = headers ?? null;
  }

  /** Builds the error from an API answer: `{"error": {type, code, message, param, request_id}}`. */
  static fromResponse(status, body, headers) {
    const error = body && typeof body === "object" && body.error && typeof body.error === "object" ? body.error : {};
    const requestId = error.request_id || (headers && headers.get("x-request-id")) || null;
    const retryAfter = headers ? parseRetryAfter(headers.get("retry-after")) : null;
    let message = error.message;
    if (!message) {
      message = typeof body === "string" && body.trim() ? body.trim().slice(0, 500) : `HTTP ${status}`;
    }
    return new EchoTagError({
      status,
      type: error.type || typeForStatus(status),
      code: error.code,
      message,
      param: error.param,
      requestId,
      retryAfter: retryAfter == null ? null : retryAfter / 1000,
      body,
      headers,
    });
  }

  toJSON() {
    return {
      name: this.name,
      status: this.status,
      type: this.type,
      code: this.code,
      message: this.message,
      param: this.param,
      requestId: this.requestId,
    };
  }
}

export function typeForStatus(status) {
  if (!status) {
    return "connection";
  }
  if (TYPE_BY_STATUS[status]) {
    return TYPE_BY_STATUS[status];
  }
  return status >= 500 ? "internal" : "invalid_request";
}

/** `Retry-After` in milliseconds (delta-seconds or an HTTP date), or null. */
export function parseRetryAfter(value, now = Date.now()) {
  if (value == null || value === "") {
    return null;
  }
  const text = String(value).trim();
  if (/^\d+(\.\d+)?$/.test(text)) {
    return Math.round(Number(text) * 1000);
  }
  const date = Date.parse(text);
  if (Number.isNaN(date)) {
    return null;
  }
  return Math.max(0, date - now);
}

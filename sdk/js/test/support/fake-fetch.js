// A fake fetch: records every call and answers from a script (a list of answers used in order,
// or a function of the call).

export function json(status, body, headers = {}) {
  return new Response(body === undefined ? null : JSON.stringify(body), {
    status,
    headers: { "Content-Type": "application/json; charset=utf-8", "X-Request-Id": "req_fake", ...headers },
  });
}

export function apiError(status, type, code, message, extra = {}, headers = {}) {
  return json(status, { error: { type, code, message, request_id: "req_from_body", ...extra } }, headers);
}

/** A text/event-stream answer whose body is the given chunks; `hold` keeps it open after them. */
export function eventStream(chunks, { hold = false, signal } = {}) {
  const encoder = new TextEncoder();
  const stream = new ReadableStream({
    start(controller) {
      for (const chunk of chunks) {
        controller.enqueue(encoder.encode(chunk));
      }
      if (!hold) {
        controller.close();
      } else if (signal) {
        signal.addEventListener("abort", () => {
          try {
            controller.error(new DOMException("aborted", "AbortError"));
          } catch {
            // already closed
          }
        });
      }
    },
  });
  return new Response(stream, { status: 200, headers: { "Content-Type": "text/event-stream" } });
}

export function fakeFetch(script) {
  const calls = [];
  let index = 0;
  const fetch = async (url, init = {}) => {
    const headers = Object.fromEntries(Object.entries(init.headers || {}).map(([k, v]) => [k.toLowerCase(), v]));
    const call = {
      url: new URL(url),
      method: init.method || "GET",
      headers,
      body: init.body === undefined ? undefined : JSON.parse(init.body),
      rawBody: init.body,
      keepalive: init.keepalive,
      signal: init.signal,
      at: Date.now(),
    };
    calls.push(call);
    const answer = typeof script === "function" ? script(call, calls.length - 1) : script[Math.min(index++, script.length - 1)];
    const value = typeof answer === "function" ? answer(call) : answer;
    if (value instanceof Error) {
      throw value;
    }
    return value instanceof Promise ? value : value;
  };
  fetch.calls = calls;
  return fetch;
}

/** An answer that never comes, except as an AbortError when the request's signal aborts. */
export function hang(call) {
  return new Promise((_, reject) => {
    call.signal.addEventListener("abort", () => reject(new DOMException("This operation was aborted", "AbortError")));
  });
}

export const networkError = () => new TypeError("fetch failed");

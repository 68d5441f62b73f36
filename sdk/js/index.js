// @echotag/sdk — the JavaScript SDK of the EchoTag HTTP API (Node 18+ and browsers, no dependencies).
export { EchoTagAPI, newEventId } from "./src/client.js";
export { EchoTagError } from "./src/errors.js";
export { SSEParser, RealtimeStream } from "./src/sse.js";
export { EventQueue } from "./src/queue.js";
export { snakeKey, toWire, VERBATIM_KEYS } from "./src/case.js";
export { VERSION } from "./src/http.js";
export { EchoTagAPI as default } from "./src/client.js";

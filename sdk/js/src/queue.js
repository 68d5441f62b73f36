// The optional batching queue for events.track: events wait in memory and leave together
// through POST /v1/events/batch, at `maxSize` events or `flushInterval` ms, on flush(), and when
// the process (Node: beforeExit) or the page (browsers: pagehide, visibilitychange → hidden,
// with keepalive fetch) goes away.

import { EchoTagError } from "./errors.js";

/** A keepalive request body may not exceed 64 KiB in browsers; stay under it. */
const KEEPALIVE_MAX_BYTES = 60_000;
/** The API accepts at most 2,500 events per batch (default setting). */
const API_MAX_BATCH = 2500;

export class EventQueue {
  /**
   * @param send `(events, { keepalive }) => Promise<{accepted, ids, errors}>`
   */
  constructor(send, { maxSize = 100, flushInterval = 1000, maxBatchSize = 500, onError, flushOnExit = true } = {}) {
    this.send = send;
    this.maxSize = Math.max(1, maxSize);
    this.flushInterval = flushInterval;
    this.maxBatchSize = Math.min(API_MAX_BATCH, Math.max(1, maxBatchSize));
    this.onError = onError;
    this.entries = [];
    this.timer = null;
    this.inFlight = new Set();
    this.closed = false;
    this.exitHooked = false;
    this.detach = flushOnExit ? this.attachExitHooks() : () => {};
  }

  get size() {
    return this.entries.length;
  }

  /** Queues one wire-format event; resolves `{ id }` (the stored event's id) once its batch is committed. */
  add(event) {
    let entry;
    const promise = new Promise((resolve, reject) => {
      entry = { event, resolve, reject };
    });
    // Fire-and-forget is the normal use of a queue: a failure is reported to onError and to
    // whoever awaits this promise, never as an unhandled rejection.
    promise.catch(() => {});
    this.entries.push(entry);
    if (this.entries.length >= this.maxSize) {
      this.flush();
    } else if (!this.timer && this.flushInterval >= 0) {
      this.timer = setTimeout(() => {
        this.timer = null;
        this.flush();
      }, this.flushInterval);
      if (this.exitHooked && typeof this.timer === "object" && this.timer && typeof this.timer.unref === "function") {
        this.timer.unref(); // a pending flush must not keep a Node process alive: beforeExit flushes
      }
    }
    return promise;
  }

  /**
   * Sends everything queued now; resolves when those batches (and any already in flight) have
   * been answered, with how many events were accepted and how many failed. Never rejects.
   */
  flush({ keepalive = false } = {}) {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    const taken = this.entries;
    this.entries = [];
    for (const chunk of this.chunks(taken, keepalive)) {
      const sending = this.sendChunk(chunk, keepalive);
      this.inFlight.add(sending);
      sending.finally(() => this.inFlight.delete(sending));
    }
    return Promise.all([...this.inFlight]).then((results) => results.reduce(
      (sum, r) => ({ accepted: sum.accepted + r.accepted, failed: sum.failed + r.failed }),
      { accepted: 0, failed: 0 },
    ));
  }

  *chunks(entries, keepalive) {
    let chunk = [];
    let bytes = 0;
    for (const entry of entries) {
      const size = keepalive ? JSON.stringify(entry.event).length + 1 : 0;
      const full = chunk.length >= this.maxBatchSize || (keepalive && chunk.length > 0 && bytes + size > KEEPALIVE_MAX_BYTES);
      if (full) {
        yield chunk;
        chunk = [];
        bytes = 0;
      }
      chunk.push(entry);
      bytes += size;
    }
    if (chunk.length > 0) {
      yield chunk;
    }
  }

  async sendChunk(chunk, keepalive) {
    let answer;
    try {
      answer = await this.send(chunk.map((e) => e.event), { keepalive });
    } catch (error) {
      for (const entry of chunk) {
        entry.reject(error);
      }
      this.report(error, chunk.map((e) => e.event));
      return { accepted: 0, failed: chunk.length };
    }
    const errors = new Map();
    for (const item of (answer && answer.errors) || []) {
      errors.set(item.index, item.error || {});
    }
    const ids = (answer && answer.ids) || [];
    let next = 0;
    const rejected = [];
    chunk.forEach((entry, index) => {
      if (errors.has(index)) {
        // the batch was answered 200; this one event was refused with the error the item carries
        const item = errors.get(index);
        const status = /_not_found$/.test(item.code || "") ? 404 : 422;
        const error = EchoTagError.fromResponse(status, { error: item }, null);
        error.index = index;
        rejected.push([error, entry.event]);
        entry.reject(error);
      } else {
        entry.resolve({ id: ids[next++] });
      }
    });
    for (const [error, event] of rejected) {
      this.report(error, [event]);
    }
    return { accepted: chunk.length - rejected.length, failed: rejected.length };
  }

  report(error, events) {
    if (typeof this.onError === "function") {
      try {
        this.onError(error, events);
      } catch {
        // the reporter must not break the queue
      }
    }
  }

  attachExitHooks() {
    const hooks = [];
    if (typeof window !== "undefined" && typeof window.addEventListener === "function") {
      const leave = () => {
        if (this.entries.length > 0) {
          this.flush({ keepalive: true });
        }
      };
      const hidden = () => {
        if (typeof document !== "undefined" && document.visibilityState === "hidden") {
          leave();
        }
      };
      window.addEventListener("pagehide", leave);
      hooks.push(() => window.removeEventListener("pagehide", leave));
      if (typeof document !== "undefined" && typeof document.addEventListener === "function") {
        document.addEventListener("visibilitychange", hidden);
        hooks.push(() => document.removeEventListener("visibilitychange", hidden));
      }
    } else if (typeof process !== "undefined" && typeof process.on === "function") {
      // beforeExit fires when the event loop is empty (not on process.exit() or a signal: call
      // flush() or close() yourself there). Sending schedules work, so it fires again after.
      const beforeExit = () => {
        if (this.entries.length > 0) {
          this.flush();
        }
      };
      process.on("beforeExit", beforeExit);
      this.exitHooked = true;
      hooks.push(() => process.removeListener("beforeExit", beforeExit));
    }
    return () => hooks.forEach((undo) => undo());
  }

  /** Flushes and detaches the exit hooks. */
  async close() {
    this.detach();
    this.exitHooked = false;
    this.detach = () => {};
    return this.flush();
  }
}

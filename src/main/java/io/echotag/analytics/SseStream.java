package io.echotag.analytics;

import io.micrometer.core.instrument.Timer;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerResponse;

import java.util.concurrent.TimeUnit;

/**
 * One SSE connection of the realtime stream. Everything it is sent goes through {@link #send},
 * which counts the bytes written but not yet flushed to the client's socket; past
 * {@code maxBacklog} the connection is closed, so a client that stops reading costs a bounded
 * amount of memory and never slows the others. Confined to its HTTP event loop.
 */
final class SseStream {
  static final Buffer KEEP_ALIVE = Buffer.buffer(": keep-alive\n\n");

  private final Vertx vertx;
  private final HttpServerResponse response;
  private final HttpConnection connection;
  private final String projectId;
  private final boolean includeEvents;
  private final String eventType;
  private final long maxBacklog;
  private final Timer fanout;
  private final Runnable onSlow;
  private final Runnable onGone;
  private long unflushed;
  private long lastSeq;
  private long keepAliveTimer = -1;
  private boolean closed;

  SseStream(Vertx vertx, HttpServerResponse response, HttpConnection connection, String projectId, boolean includeEvents, String eventType,
            long maxBacklog, Timer fanout, Runnable onSlow, Runnable onGone) {
    this.vertx = vertx;
    this.response = response;
    this.connection = connection;
    this.projectId = projectId;
    this.includeEvents = includeEvents;
    this.eventType = eventType;
    this.maxBacklog = maxBacklog;
    this.fanout = fanout;
    this.onSlow = onSlow;
    this.onGone = onGone;
  }

  String projectId() {
    return projectId;
  }

  void startKeepAlive(long intervalMs) {
    keepAliveTimer = vertx.setPeriodic(intervalMs, id -> send(KEEP_ALIVE, 0));
  }

  /** Events with seq up to {@code seq} were already sent (replay), so live copies of them are skipped. */
  void caughtUpTo(long seq) {
    lastSeq = Math.max(lastSeq, seq);
  }

  /** Whether this stream wants the live event {@code seq} of type {@code type}; moves its position past it. */
  boolean wants(long seq, String type) {
    if (seq <= lastSeq) {
      return false;
    }
    lastSeq = seq;
    return accepts(type);
  }

  boolean includeEvents() {
    return includeEvents;
  }

  /** Whether this stream asked for events of this type ({@code include=events}, {@code event_type}). */
  boolean accepts(String type) {
    return includeEvents && (eventType == null || eventType.equals(type));
  }

  /**
   * Writes a snapshot, unless this connection still owes bytes: then it is skipped (conflated),
   * since the next one supersedes it, and a client that reads slowly is not buried in snapshots
   * it will never look at. Events are never skipped.
   */
  void sendSnapshot(Buffer data, long publishedNs) {
    if (unflushed == 0) {
      send(data, publishedNs);
    }
  }

  /**
   * Writes {@code data}; {@code publishedNs} (System.nanoTime of the publish, 0 for none) is
   * recorded in the fan-out timer once the bytes reach the socket.
   */
  void send(Buffer data, long publishedNs) {
    if (closed) {
      return;
    }
    int length = data.length();
    // A message larger than the bound alone still goes out; it is what follows it that must wait.
    if (unflushed > 0 && unflushed + length > maxBacklog) {
      onSlow.run();
      close();
      return;
    }
    unflushed += length;
    response.write(data).onComplete(ar -> {
      unflushed -= length;
      if (ar.succeeded() && publishedNs != 0) {
        fanout.record(System.nanoTime() - publishedNs, TimeUnit.NANOSECONDS);
      }
    });
  }

  /**
   * Stops the stream and drops the connection at once (a reset: what it still owes is not
   * flushed, the point when the client is the problem); idempotent.
   */
  void close() {
    if (closed) {
      return;
    }
    closed();
    response.reset();
    connection.close();
  }

  /** The connection is gone (closed by either side, or by {@link #close}): stop and leave. */
  void closed() {
    closed = true;
    if (keepAliveTimer != -1) {
      vertx.cancelTimer(keepAliveTimer);
      keepAliveTimer = -1;
    }
    onGone.run();
  }
}

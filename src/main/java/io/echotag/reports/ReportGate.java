package io.echotag.reports;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.LocalMap;
import io.vertx.core.shareddata.Shareable;

import java.util.ArrayDeque;
import java.util.function.Supplier;

/**
 * At most {@code reports.max_concurrent} report runs at once on a node; the others wait in
 * arrival order. A run holds a pooled connection for as long as it streams, and the pool is the
 * one ingest commits through: without this bound a few large reports could take every connection
 * and turn event ingest into {@code 503}s. One gate per Vert.x instance, shared by every HTTP
 * event loop; a waiting run starts on the context that asked for it.
 */
final class ReportGate implements Shareable {
  private static final String MAP = "echotag.reports";

  private final int permits;
  private final ArrayDeque<Runnable> waiting = new ArrayDeque<>();
  private int running;

  ReportGate(int permits) {
    this.permits = permits;
  }

  /** The node's gate, created with {@code permits} by its first user. */
  static ReportGate of(Vertx vertx, int permits) {
    LocalMap<String, ReportGate> map = vertx.sharedData().getLocalMap(MAP);
    ReportGate created = new ReportGate(permits);
    ReportGate existing = map.putIfAbsent("gate", created);
    return existing != null ? existing : created;
  }

  /** Runs {@code task} once a permit is free; the permit is released when its future completes. */
  <T> Future<T> run(Context context, Supplier<Future<T>> task) {
    Promise<T> result = Promise.promise();
    Runnable start = () -> context.runOnContext(v -> {
      Future<T> running;
      try {
        running = task.get();
      } catch (RuntimeException e) {
        running = Future.failedFuture(e);
      }
      running.onComplete(ar -> {
        release();
        result.handle(ar);
      });
    });
    boolean now;
    synchronized (this) {
      now = running < permits;
      if (now) {
        running++;
      } else {
        waiting.add(start);
      }
    }
    if (now) {
      start.run();
    }
    return result.future();
  }

  private void release() {
    Runnable next;
    synchronized (this) {
      next = waiting.poll();
      if (next == null) {
        running--;
      }
    }
    if (next != null) {
      next.run();
    }
  }

  /** Runs waiting for a permit (for tests and diagnostics). */
  synchronized int waiting() {
    return waiting.size();
  }
}

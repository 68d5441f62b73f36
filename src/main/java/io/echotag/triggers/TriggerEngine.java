package io.echotag.triggers;

import io.echotag.Services;
import io.echotag.common.Ids;
import io.echotag.common.Times;
import io.echotag.events.EventRows;
import io.echotag.events.IngestBuffer;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Turns trigger work and due waits into executions. Each batch runs in one transaction that
 * holds the claimed rows ({@code FOR UPDATE SKIP LOCKED}, so replicas share the work), records
 * the executions with their actions' effects and deletes the work: nothing runs twice, nothing
 * is lost. Derived events ({@code track_event}) are emitted through the ingest path before any
 * write of the batch ({@link Plan}), under an idempotency key of the execution, so a replayed
 * batch finds them instead of emitting them again.
 */
final class TriggerEngine {
  private final Services services;
  private final IngestBuffer ingest;
  private final TriggerLoader loader = new TriggerLoader();

  /** The outcome of one batch: how many rows it handled and whether deliveries were queued. */
  record Batch(int handled, boolean queuedDeliveries) {
  }

  private final Timer evaluation;
  private final Counter matched;
  private final Counter unmatched;

  TriggerEngine(Services services, IngestBuffer ingest) {
    this.services = services;
    this.ingest = ingest;
    this.evaluation = services.registry().timer("echotag.trigger.evaluation");
    this.matched = evaluations(services, true);
    this.unmatched = evaluations(services, false);
  }

  private static Counter evaluations(Services services, boolean matched) {
    return Counter.builder("echotag.trigger.evaluations").tag("matched", Boolean.toString(matched))
        .register(services.registry());
  }

  /** Drops a changed trigger (null: every trigger) from the caches. */
  void invalidate(String triggerId) {
    loader.invalidate(triggerId);
  }

  /**
   * Evaluates up to {@code limit} work rows written at ingest: each names one event, and every
   * active trigger of its project that listens for its type is evaluated against it.
   */
  Future<Batch> work(int limit) {
    return inTransaction(conn -> conn.preparedQuery(TriggerSql.CLAIM_WORK).execute(Tuple.of(limit))
        .compose(rows -> {
          List<Row> work = new ArrayList<>();
          rows.forEach(work::add);
          if (work.isEmpty()) {
            return Future.succeededFuture(new Batch(0, false));
          }
          return loader.forWork(conn, work).compose(loaded -> evaluateWork(conn, work, loaded));
        }));
  }

  /** Runs or cancels up to {@code limit} waiting executions whose wait is over. */
  Future<Batch> due(int limit) {
    return inTransaction(conn -> conn.preparedQuery(TriggerSql.CLAIM_DUE).execute(Tuple.of(limit))
        .compose(rows -> {
          List<Row> due = new ArrayList<>();
          rows.forEach(due::add);
          if (due.isEmpty()) {
            return Future.succeededFuture(new Batch(0, false));
          }
          return loader.forDue(conn, due).compose(loaded -> finishWaits(conn, due, loaded));
        }));
  }

  private Future<Batch> evaluateWork(SqlConnection conn, List<Row> work, TriggerLoader.Loaded loaded) {
    Plan plan = new Plan(conn);
    String[] projectIds = new String[work.size()];
    String[] eventIds = new String[work.size()];
    for (int i = 0; i < work.size(); i++) {
      Row row = work.get(i);
      projectIds[i] = row.getString("project_id");
      eventIds[i] = row.getString("event_id");
      JsonObject event = loaded.events.get(eventIds[i]);
      if (event == null) {
        continue;
      }
      String source = row.getString("source_trigger_id");
      Instant queuedAt = row.getOffsetDateTime("created_at").toInstant();
      for (Trigger trigger : loaded.active.getOrDefault(projectIds[i], List.of())) {
        if (trigger.listensFor(event.getString("event_type"), source, queuedAt)) {
          evaluate(conn, plan, trigger, event, loaded.visitor(event), row.getInteger("depth"));
        }
      }
    }
    return plan.apply().compose(queued -> conn.preparedQuery(TriggerSql.DELETE_WORK)
        .execute(Tuple.tuple().addArrayOfString(projectIds).addArrayOfString(eventIds))
        .map(v -> new Batch(work.size(), queued)));
  }

  /** Evaluates one trigger against one event: no match, a wait started, or a run decided. */
  private void evaluate(SqlConnection conn, Plan plan, Trigger trigger, JsonObject event, JsonObject visitor,
                        int depth) {
    long started = System.nanoTime();
    boolean matches = trigger.conditions().matches(new EvalContext(event, visitor));
    evaluation.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
    (matches ? matched : unmatched).increment();
    if (!matches) {
      return;
    }
    if (trigger.conditions().waits()) {
      Instant due = Instant.parse(event.getString("timestamp")).plusMillis(trigger.conditions().waitMs());
      plan.thenWrite(() -> conn.preparedQuery(TriggerSql.UPSERT_WAITING).execute(Tuple.tuple()
              .addString(trigger.projectId()).addString(Ids.next("exec")).addString(trigger.id())
              .addString(event.getString("id")).addString(event.getString("visitor_id")).addInteger(depth)
              .addOffsetDateTime(Times.utc(due)))
          .map(v -> {
            executed("waiting");
            return false;
          }));
      return;
    }
    plan.decide(() -> capped(conn, plan, trigger, event).compose(capped -> capped ? Future.succeededFuture()
        : plan.run(trigger, event, visitor, Ids.next("exec"), depth, null)));
  }

  private Future<Batch> finishWaits(SqlConnection conn, List<Row> due, TriggerLoader.Loaded loaded) {
    Plan plan = new Plan(conn);
    for (Row row : due) {
      String executionId = row.getString("id");
      Trigger trigger = loaded.triggers.get(row.getString("trigger_id"));
      JsonObject event = loaded.events.get(row.getString("event_id"));
      if (trigger == null || !trigger.active()) {
        plan.thenWrite(() -> cancel(conn, executionId, "the trigger was deactivated or deleted").map(false));
        continue;
      }
      if (event == null) {
        plan.thenWrite(() -> cancel(conn, executionId, "the triggering event was erased").map(false));
        continue;
      }
      JsonObject visitor = loaded.visitor(event);
      plan.decide(() -> brokenWait(conn, trigger, event, visitor).compose(reason -> {
        if (reason != null) {
          plan.write(() -> cancel(conn, executionId, reason).map(false));
          return Future.succeededFuture();
        }
        return capped(conn, plan, trigger, event).compose(capped -> {
          if (capped) {
            plan.write(() -> cancel(conn, executionId, "frequency cap: the trigger fired for this visitor recently")
                .map(false));
            return Future.succeededFuture();
          }
          return plan.run(trigger, event, visitor, executionId, row.getInteger("depth"), executionId);
        });
      }));
    }
    return plan.apply().map(queued -> new Batch(due.size(), queued));
  }

  /**
   * A batch in two phases. First every decision (conditions, wait conditions, caps) and every
   * derived event of the batch; then, in order, the writes: actions, executions, waits. Derived
   * events go through the ingest path on another connection, which locks the visitor's row. Had
   * an earlier execution of this batch already tagged or updated that visitor in this
   * transaction, the ingest would wait for this transaction and this transaction for the ingest,
   * a deadlock PostgreSQL cannot see: the engine would stop for good. So nothing of the batch
   * writes until all its derived events are stored.
   */
  private final class Plan {
    private final SqlConnection conn;
    private final List<Supplier<Future<Boolean>>> writes = new ArrayList<>();
    private final Set<String> running = new HashSet<>();
    private Future<Void> deciding = Future.succeededFuture();

    Plan(SqlConnection conn) {
      this.conn = conn;
    }

    /** Adds a decision step; steps run one after the other, in the order they were added. */
    void decide(Supplier<Future<Void>> step) {
      deciding = deciding.compose(v -> step.get());
    }

    /**
     * Adds a write (completing with whether it queued deliveries) after the decisions added so
     * far. Outside a decision step only: {@link #apply} has already chained on the decisions.
     */
    void thenWrite(Supplier<Future<Boolean>> write) {
      decide(() -> {
        writes.add(write);
        return Future.succeededFuture();
      });
    }

    /** Adds a write from inside a decision step; steps run in order, so the writes keep it. */
    void write(Supplier<Future<Boolean>> write) {
      writes.add(write);
    }

    /** Decides to run an execution: emits its derived events now, and writes the rest later. */
    Future<Void> run(Trigger trigger, JsonObject event, JsonObject visitor, String executionId, int depth,
                     String waitingId) {
      running.add(trigger.id() + "\u0000" + event.getString("visitor_id"));
      Instant started = Instant.now();
      return emitDerived(trigger, event, visitor, executionId, depth).map(emitted -> {
        writes.add(() -> execute(conn, trigger, event, visitor, executionId, depth, waitingId, started, emitted));
        return null;
      });
    }

    /** Whether this batch already runs {@code trigger} for the event's visitor (not yet recorded). */
    boolean runs(Trigger trigger, JsonObject event) {
      return running.contains(trigger.id() + "\u0000" + event.getString("visitor_id"));
    }

    Future<Boolean> apply() {
      return deciding.compose(v -> {
        Future<Boolean> chain = Future.succeededFuture(false);
        for (Supplier<Future<Boolean>> write : writes) {
          chain = chain.compose(queued -> write.get().map(q -> q || queued));
        }
        return chain;
      });
    }
  }

  /** The reason a wait condition failed (an event it forbids arrived), or null. */
  private Future<String> brokenWait(SqlConnection conn, Trigger trigger, JsonObject event, JsonObject visitor) {
    if (trigger.conditions().noEvents().isEmpty()) {
      return Future.succeededFuture(null);
    }
    return conn.preparedQuery(TriggerSql.LATER_EVENTS).execute(Tuple.of(trigger.projectId(),
            event.getString("visitor_id"), Times.utc(Instant.parse(event.getString("timestamp"))), event.getString("id")))
        .map(rows -> {
          for (Row later : rows) {
            JsonObject laterEvent = EventRows.json(later);
            if (trigger.conditions().cancelledBy(new EvalContext(laterEvent, visitor))) {
              return "a " + laterEvent.getString("event_type") + " event (" + laterEvent.getString("id")
                  + ") arrived during the wait";
            }
          }
          return null;
        });
  }

  /**
   * Runs the actions inside this transaction, with the derived events already emitted (outside
   * it, idempotent), and records the execution ({@code waitingId} non-null: the waiting row is
   * finished).
   */
  private Future<Boolean> execute(SqlConnection conn, Trigger trigger, JsonObject event, JsonObject visitor,
                                  String executionId, int depth, String waitingId, Instant started,
                                  Map<Integer, JsonObject> emitted) {
    return ActionRunner.run(conn, trigger, event, visitor, executionId, emitted)
        .compose(outcome -> {
          String status = outcome.failed() ? "failed" : "succeeded";
          String reason = outcome.failed() ? "an action failed" : null;
          Future<?> recorded = waitingId != null
              ? conn.preparedQuery(TriggerSql.FINISH_WAITING).execute(Tuple.of(waitingId, status,
                  Times.utc(started), outcome.results(), reason))
              : conn.preparedQuery(TriggerSql.INSERT_FINISHED).execute(Tuple.tuple()
                  .addString(trigger.projectId()).addString(executionId).addString(trigger.id())
                  .addString(event.getString("id")).addString(event.getString("visitor_id")).addString(status)
                  .addInteger(depth).addOffsetDateTime(Times.utc(started)).addValue(outcome.results())
                  .addString(reason));
          executed(status);
          return recorded.compose(v -> conn.preparedQuery(TriggerSql.COUNT_EXECUTION).execute(Tuple.of(trigger.id())))
              .map(v -> outcome.queuedDeliveries());
        });
  }

  private Future<Map<Integer, JsonObject>> emitDerived(Trigger trigger, JsonObject event, JsonObject visitor,
                                                       String executionId, int depth) {
    Map<Integer, JsonObject> emitted = new HashMap<>();
    List<Future<?>> pending = new ArrayList<>();
    TemplateContext ctx = new TemplateContext(event, visitor, trigger.templateView(), executionId);
    for (int i = 0; i < trigger.actions().size(); i++) {
      JsonObject action = trigger.actions().getJsonObject(i);
      if (!"track_event".equals(action.getString("type"))) {
        continue;
      }
      int index = i;
      Object data = Templates.render(action.getJsonObject("data", new JsonObject()), ctx);
      // Keyed by trigger and triggering event: a replay of this execution finds the same derived event.
      String key = "trigger:" + trigger.id() + ":" + event.getString("id") + ":" + i;
      pending.add(services.projects().get(trigger.projectId())
          .compose(project -> project == null ? Future.failedFuture("project deleted")
              : ingest.submitDerived(project, action.getString("event_type"), event.getString("visitor_id"),
                  data instanceof JsonObject o ? o : new JsonObject(), key, depth + 1, trigger.id()))
          .onSuccess(stored -> emitted.put(index, stored))
          .onFailure(e -> emitted.put(index, new JsonObject().put("error", e.getMessage()))));
    }
    return Future.join(pending).transform(ignored -> Future.succeededFuture(emitted));
  }

  private Future<Boolean> capped(SqlConnection conn, Plan plan, Trigger trigger, JsonObject event) {
    if (trigger.frequencyCapMs() <= 0) {
      return Future.succeededFuture(false);
    }
    if (plan.runs(trigger, event)) {
      return Future.succeededFuture(true);
    }
    return conn.preparedQuery(TriggerSql.CAPPED)
        .execute(Tuple.of(trigger.id(), event.getString("visitor_id"), trigger.frequencyCapMs() / 1000.0))
        .map(rows -> rows.size() > 0);
  }

  private Future<Void> cancel(SqlConnection conn, String executionId, String reason) {
    executed("cancelled");
    return conn.preparedQuery(TriggerSql.FINISH_WAITING)
        .execute(Tuple.of(executionId, "cancelled", null, new JsonArray(), reason)).mapEmpty();
  }

  private void executed(String status) {
    Counter.builder("echotag.trigger.executions").tag("status", status)
        .description("Trigger executions by the status they reached").register(services.registry()).increment();
  }


  private Future<Batch> inTransaction(java.util.function.Function<SqlConnection, Future<Batch>> work) {
    return services.pool().getConnection().compose(conn -> conn.query("BEGIN").execute()
        .compose(v -> work.apply(conn))
        .compose(batch -> conn.query("COMMIT").execute().map(batch))
        .recover(e -> conn.query("ROLLBACK").execute().transform(ignored -> Future.<Batch>failedFuture(e)))
        .eventually(conn::close));
  }

}

package io.echotag.triggers;

import io.echotag.bus.Addresses;
import io.echotag.events.TriggerFilter;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The ingest side of the trigger engine: evaluates, before the commit, the conditions of the
 * project's active triggers that read only the event, so that events no trigger can match write
 * no trigger-work row (50 triggers on {@code page_view} of which one matches a page cost a
 * condition check per trigger, not a row and an engine pass per page view). Triggers whose
 * conditions read the visitor or the session (known only to the engine) always get the work.
 * The engine evaluates every condition again with the visitor: this is only a filter.
 *
 * <p>Shared by every event loop of the node. Each project's list is dropped on a trigger change
 * ({@link Addresses#CONFIG_CHANGED}, cluster-wide) and trusted at most
 * {@link ActiveTriggers#TTL_MS} without one.
 */
public final class TriggerGate implements TriggerFilter {
  /** A trigger as the gate sees it: whether its conditions can be judged from the event alone. */
  private record Gated(Trigger trigger, boolean eventOnly) {
  }

  private final Pool pool;
  private final ActiveTriggers<Gated> active = new ActiveTriggers<>(
      row -> new Gated(Trigger.from(row), readsEventOnly(row.getJsonObject("conditions"))));

  public TriggerGate(Vertx vertx, Pool pool) {
    this.pool = pool;
    vertx.eventBus().<JsonObject>consumer(Addresses.CONFIG_CHANGED, message -> {
      if ("trigger".equals(message.body().getString("kind"))) {
        invalidate();
      }
    });
  }

  @Override
  public void invalidate() {
    active.invalidate();
  }

  @Override
  public Future<Void> prepare(Set<String> projectIds) {
    return active.of(pool, projectIds).<Void>mapEmpty()
        // Without the list every event of the batch gets work (see mayTrigger): the engine decides.
        .otherwiseEmpty();
  }

  @Override
  public boolean mayTrigger(String projectId, String eventType, String sourceTriggerId,
                            Supplier<JsonObject> event) {
    List<Gated> triggers = active.cached(projectId);
    if (triggers == null) {
      return true;
    }
    EvalContext context = null;
    for (Gated gated : triggers) {
      Trigger trigger = gated.trigger();
      if (!trigger.active() || trigger.id().equals(sourceTriggerId)
          || !("*".equals(trigger.eventType()) || trigger.eventType().equals(eventType))) {
        continue;
      }
      if (!gated.eventOnly()) {
        return true;
      }
      if (context == null) {
        // One context for all of the event's triggers: each field is read once.
        context = new EvalContext(event.get(), null);
      }
      if (trigger.conditions().matches(context)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether a conditions object reads only the event's own fields: no {@code visitor.} path and
   * no {@code event.session_id} (assigned in the commit) anywhere in it. Conservative: any key
   * that names those, at any depth, counts.
   */
  static boolean readsEventOnly(Object conditions) {
    if (conditions instanceof JsonObject object) {
      for (Map.Entry<String, Object> entry : object) {
        String key = entry.getKey();
        if (key.startsWith("visitor.") || key.equals("event.session_id") || key.startsWith("event.session_id.")
            || !readsEventOnly(entry.getValue())) {
          return false;
        }
      }
      return true;
    }
    if (conditions instanceof io.vertx.core.json.JsonArray array) {
      for (Object item : array) {
        if (!readsEventOnly(item)) {
          return false;
        }
      }
    }
    return true;
  }
}

package io.echotag.events;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.util.Set;
import java.util.function.Supplier;

/**
 * Decides at ingest which events need a trigger-work row: those that some active trigger of their
 * project could act on. The ingest asks {@link #prepare} once per commit (the triggers of the
 * batch's projects, usually cached), then {@link #mayTrigger} per event. Saying {@code true} too
 * often only costs work; saying {@code false} wrongly would lose an execution, so an
 * implementation answers {@code false} only for events that no trigger's conditions can match.
 */
public interface TriggerFilter {
  /** Every event of a listened-for type gets work (the database decides); for nodes without a filter. */
  TriggerFilter ALL = new TriggerFilter() {
    @Override
    public Future<Void> prepare(Set<String> projectIds) {
      return Future.succeededFuture();
    }

    @Override
    public boolean mayTrigger(String projectId, String eventType, String sourceTriggerId,
                              Supplier<JsonObject> event) {
      return true;
    }
  };

  /**
   * Forgets what the filter knows of triggers: a trigger changed. Called on this node before the
   * change is answered (so the next commit sees it), and on every node by the bus announcement.
   */
  default void invalidate() {
  }

  /** Makes the projects' active triggers available to {@link #mayTrigger}; never fails the commit. */
  Future<Void> prepare(Set<String> projectIds);

  /**
   * Whether the event (its API object, built only when needed, without a session id) may match
   * an active trigger other than {@code sourceTriggerId} of its project.
   */
  boolean mayTrigger(String projectId, String eventType, String sourceTriggerId, Supplier<JsonObject> event);
}

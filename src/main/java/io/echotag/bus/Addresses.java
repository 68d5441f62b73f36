package io.echotag.bus;

/**
 * Event-bus addresses. The bus only carries news: the database is the source of truth, and
 * every consumer can recover what the bus lost from it.
 */
public final class Addresses {
  private Addresses() {
  }

  /** Published by the ingest buffer after each commit (a JSON array of events); read by triggers and realtime. */
  public static final String EVENTS = "echotag.events";

  /** Published when new deliveries are due (no body); read by the delivery verticle. */
  public static final String DELIVERIES_WAKE = "echotag.deliveries.wake";

  /**
   * Sent (local only, as a request) by the ingest buffer after a commit that queued deliveries:
   * a JSON array of their ids; the local delivery verticle claims them at once and answers. When
   * nobody answers (delivery off on this node), the ingest publishes {@link #DELIVERIES_WAKE}.
   */
  public static final String DELIVERIES_READY = "echotag.deliveries.ready";

  /** Published when an ingest commit wrote trigger work (no body); read by the trigger verticle. */
  public static final String TRIGGERS_WAKE = "echotag.triggers.wake";

  /**
   * Published after a change to cached configuration: {@code {"kind": "key"|"project"|"trigger"|"webhook",
   * "id", "project_id"}}; every node's caches drop that entry.
   */
  public static final String CONFIG_CHANGED = "echotag.config.changed";

  /** Prefix of the per-project realtime snapshots, published once a second while anyone listens. */
  public static final String REALTIME_PREFIX = "echotag.realtime.";
}

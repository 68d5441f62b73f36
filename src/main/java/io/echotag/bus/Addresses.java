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

  /** Published when an ingest commit wrote trigger work (no body); read by the trigger verticle. */
  public static final String TRIGGERS_WAKE = "echotag.triggers.wake";

  /**
   * Published after a change to cached configuration: {@code {"kind": "key"|"project"|"trigger"|"webhook",
   * "id", "project_id"}}; every node's caches drop that entry.
   */
  public static final String CONFIG_CHANGED = "echotag.config.changed";

  /**
   * Prefix of the per-project realtime snapshots ({@code echotag.realtime.<project_id>}): each
   * node's realtime verticle publishes them, local to that node, once per snapshot interval while
   * an SSE client of the project is connected to that node; read by the SSE connections.
   */
  public static final String REALTIME_PREFIX = "echotag.realtime.";

  /**
   * Published (cluster-wide) by every node's realtime verticle once a second: the per-second
   * deltas of the events that node committed ({@code {"node", "deltas": [...]}}); read by every
   * node's realtime verticle, which merges them into its windows.
   */
  public static final String REALTIME_DELTAS = "echotag.realtime-deltas";

  /**
   * Published (cluster-wide) by the realtime verticle of the node that committed them: one
   * project's newly committed events ({@code {"project_id", "events": [...]}}); read by every
   * node's realtime verticle (replay ring, then the node-local live address below).
   */
  public static final String REALTIME_EVENTS = "echotag.realtime-events";

  /**
   * Prefix of the node-local live events of one project ({@code echotag.realtime-live.<project_id>}),
   * published by the realtime verticle while an SSE client of the project is connected; read by
   * the SSE connections.
   */
  public static final String REALTIME_LIVE_PREFIX = "echotag.realtime-live.";
}

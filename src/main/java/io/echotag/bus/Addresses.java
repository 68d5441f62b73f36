package io.echotag.bus;

import io.vertx.core.eventbus.DeliveryOptions;

/**
 * Event-bus addresses. The bus only carries news: the database is the source of truth, and
 * every consumer can recover what the bus lost from it.
 *
 * <p>In cluster mode ({@code cluster.enabled}) a publish reaches every node that listens, so
 * bodies are JSON (or nothing), never local objects. Which news crosses nodes:
 * <ul>
 *   <li>{@link #EVENTS}: no, {@linkplain #localOnly() local only} — each node reacts to its own
 *       commits (trigger and delivery work is in the database; realtime sums per-node deltas).</li>
 *   <li>{@link #DELIVERIES_WAKE}, {@link #TRIGGERS_WAKE}: yes — an API-only node's commits wake
 *       the worker nodes at once instead of after their poll interval.</li>
 *   <li>{@link #CONFIG_CHANGED}: yes — every node's caches must drop the entry.</li>
 *   <li>{@link #REALTIME_PREFIX}: yes (per-node deltas and snapshots for SSE on any node).</li>
 * </ul>
 */
public final class Addresses {
  private Addresses() {
  }

  /**
   * Published by the ingest buffer after each commit (a JSON array of events), local only; read
   * by triggers and realtime on the same node.
   */
  public static final String EVENTS = "echotag.events";

  /**
   * Published (no body), cluster-wide, when deliveries are due that no engine holds: written by an
   * ingest with no delivery engine on its node, given back by an engine, queued by a trigger
   * action or a manual retry; read by every delivery verticle, whose sweep claims them. (An
   * ingest hands its deliveries to its own node's engine directly, not over the bus.)
   */
  public static final String DELIVERIES_WAKE = "echotag.deliveries.wake";

  /** Published when an ingest commit wrote trigger work (no body), cluster-wide; read by every trigger verticle. */
  public static final String TRIGGERS_WAKE = "echotag.triggers.wake";

  /**
   * Published after a change to cached configuration: {@code {"kind": "key"|"project"|"trigger"|"webhook",
   * "id", "project_id"}}, cluster-wide; every node's caches drop that entry.
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
  /** Options for news that must not leave this node (a fresh instance: options are mutable). */
  public static DeliveryOptions localOnly() {
    return new DeliveryOptions().setLocalOnly(true);
  }
}

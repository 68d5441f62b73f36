/**
 * Cluster mode ({@code cluster.enabled}): the Hazelcast configuration built from
 * {@code cluster.*} ({@link io.echotag.cluster.HazelcastSetup}) and the clustered Vert.x
 * ({@link io.echotag.cluster.Clustering}). Clustering only spans the event bus — cache
 * invalidations, wake-ups, realtime deltas; work is shared through PostgreSQL
 * ({@code FOR UPDATE SKIP LOCKED} with leases), which stays the source of truth.
 */
package io.echotag.cluster;

/** Meter names and the gateway's own meters; Vert.x's HTTP, pool and JVM meters come from vertx-micrometer. */
package io.echotag.metrics;

/**
 * EchoTag, a self-hostable gateway for event tracking and automation. {@link io.echotag.EchoTag}
 * is the entry point; {@link io.echotag.Gateway} starts and stops one node; each feature lives
 * in its own package (events, visitors, sessions, projects, tags, keys) with its routes, SQL
 * and logic, on shared plumbing in config, db, http, bus, metrics and common.
 */
package io.echotag;

/**
 * Triggers: automation rules that run actions when an event matches. This package holds the
 * rule languages as pure libraries, with no I/O and no Vert.x types beyond JSON values as data —
 * {@link io.echotag.triggers.Conditions} (the condition language: field operators, combinators,
 * and the wait conditions {@code time_since_event}, {@code no_event}, {@code no_purchase}
 * separated out at parse time), {@link io.echotag.triggers.Templates} (the {@code {{path}}}
 * templates of actions) and their contexts. The TriggerVerticle that evaluates rules at ingest
 * and runs waiting executions, the trigger and execution routes, and their SQL will live here too.
 */
package io.echotag.triggers;

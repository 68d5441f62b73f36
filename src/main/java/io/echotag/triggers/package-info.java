/**
 * Triggers: automation rules that run actions when an event matches. This package holds the
 * rule languages as pure libraries, with no I/O and no Vert.x types beyond JSON values as data —
 * {@link io.echotag.triggers.Conditions} (the condition language: field operators, combinators,
 * and the wait conditions {@code time_since_event}, {@code no_event}, {@code no_purchase}
 * separated out at parse time), {@link io.echotag.triggers.Templates} (the {@code {{path}}}
 * templates of actions) and their contexts — and the engine around them: the TriggerVerticle
 * and TriggerEngine, which claim the trigger work written at ingest (one row per event) and the
 * due waiting executions, evaluate the project's cached active triggers (read with the batch's
 * events and visitors by TriggerLoader; ActiveTriggers is the per-project cache it shares with
 * the ingest's TriggerGate), and run actions in the transaction that records the execution; the trigger, simulate and execution routes; and
 * their SQL ({@code TriggerSql}).
 */
package io.echotag.triggers;

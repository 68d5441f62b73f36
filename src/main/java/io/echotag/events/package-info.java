/**
 * Events: validation ({@link io.echotag.events.EventValidator}), the per-event-loop group commit
 * ({@link io.echotag.events.IngestBuffer} running {@link io.echotag.events.IngestTransaction}),
 * server-side sessionization ({@link io.echotag.events.Sessionizer}) and the {@code /v1/events}
 * routes. A {@code 2xx} is sent only after the event's transaction has committed.
 */
package io.echotag.events;

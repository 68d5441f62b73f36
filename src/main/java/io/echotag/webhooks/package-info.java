/**
 * Webhooks: definitions and their routes, and the delivery engine — the outbox rows written at
 * ingest, already leased to this node's engine and handed to it after commit when one runs here
 * ({@link io.echotag.webhooks.DeliveryHandOver}), the {@link io.echotag.webhooks.DeliveryVerticle}
 * that holds them with what its sweep claims under a lease (retries, other nodes' work, given-back
 * rows), queues them per endpoint and records attempts in batches that linger
 * ({@link io.echotag.webhooks.AttemptRecorder}), the {@link io.echotag.webhooks.Signer} (Standard
 * Webhooks), the {@link io.echotag.webhooks.RetrySchedule}, per-endpoint
 * {@link io.echotag.webhooks.Breakers} and the {@link io.echotag.webhooks.AddressGuard}.
 */
package io.echotag.webhooks;

/**
 * Webhooks: definitions and their routes, and the delivery engine — the outbox rows written at
 * ingest ({@link io.echotag.webhooks.DeliverySql#ENQUEUE_FOR_EVENTS}), the
 * {@link io.echotag.webhooks.DeliveryVerticle} that claims them under a lease (at once by id when this
 * node's ingest hands it their ids, otherwise by its sweep), queues them per endpoint and records
 * attempts in batches ({@link io.echotag.webhooks.AttemptRecorder}), the
 * {@link io.echotag.webhooks.Signer} (Standard Webhooks), the {@link io.echotag.webhooks.RetrySchedule},
 * per-endpoint {@link io.echotag.webhooks.Breakers} and the {@link io.echotag.webhooks.AddressGuard}.
 */
package io.echotag.webhooks;

/**
 * Visitors: profiles kept up to date by the ingest transaction (counts, first/last seen,
 * {@code identify} traits), the {@code /v1/visitors} routes, tag assignment and erasure.
 */
package io.echotag.visitors;

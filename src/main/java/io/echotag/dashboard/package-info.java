/**
 * The live dashboard: a static page (no build step) served at {@code /} and {@code /dashboard}
 * from the classpath folder {@code dashboard/}. It is a client of the public API like any other:
 * it asks for a stream token and subscribes to the realtime SSE feed; the files need no key.
 */
package io.echotag.dashboard;

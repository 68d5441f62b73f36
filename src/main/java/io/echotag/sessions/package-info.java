/** Sessions: the {@code /v1/sessions} routes. Sessions are assigned and merged at ingest (see the events package). */
package io.echotag.sessions;

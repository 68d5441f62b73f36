/** Integrations: stored HTTP and Slack connections with write-only secrets, used by trigger actions. */
package io.echotag.integrations;

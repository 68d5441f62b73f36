/**
 * Typed, validated configuration: {@code conf/echotag.json} defaults, {@code ECHOTAG_*}
 * environment overrides, and the records the rest of the gateway reads.
 */
package io.echotag.config;

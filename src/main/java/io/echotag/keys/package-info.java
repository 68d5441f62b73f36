/**
 * API keys: generation and hashing, the per-node {@link io.echotag.keys.KeyCache}, scopes and
 * project restrictions ({@link io.echotag.keys.Principal}), first-start bootstrap, and the
 * {@code /v1/auth} routes.
 */
package io.echotag.keys;

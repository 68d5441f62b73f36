/**
 * The HTTP edge: {@link io.echotag.http.HttpVerticle} (one per event loop), the platform
 * handlers every request passes (request id, CORS, content type, body limit, auth, rate limit),
 * the one error model ({@link io.echotag.http.ApiError} rendered by
 * {@link io.echotag.http.Failures}), and helpers for bodies, query parameters and pages.
 */
package io.echotag.http;

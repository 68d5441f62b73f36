/**
 * {@code GET /openapi.json}: the machine-readable form of the API contract (API.md), served from
 * the hand-written resource {@code openapi.json} without authentication. {@code OpenApiTest}
 * keeps its paths and methods equal to the router's routes.
 */
package io.echotag.openapi;

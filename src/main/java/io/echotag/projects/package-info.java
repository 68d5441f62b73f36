/**
 * Projects: the {@code /v1/projects} routes and {@link io.echotag.projects.ProjectCache}, which
 * also resolves the project of every request (body or query {@code project_id}, else the key's
 * default) and answers {@code 404 project_not_found} for any project the key cannot see.
 */
package io.echotag.projects;

package io.echotag.keys;

import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * The caller, as resolved from its API key. {@code projectIds} null means every project of the
 * organization; otherwise the key sees those projects only.
 */
public record Principal(String keyId, String organizationId, String name, Set<Scope> scopes,
                        List<String> projectIds, String defaultProjectId, Instant expiresAt) {

  public boolean has(Scope scope) {
    return scopes.contains(scope);
  }

  public boolean restricted() {
    return projectIds != null;
  }

  /** Whether the key may touch this project at all (the project's organization is checked by the caller). */
  public boolean mayAccess(String projectId) {
    return projectIds == null || projectIds.contains(projectId);
  }

  /** An {@code ingest}-only key may be embedded in web pages, so its origin is checked. */
  public boolean ingestOnly() {
    return scopes.size() == 1 && scopes.contains(Scope.INGEST);
  }

  public boolean expired(Instant now) {
    return expiresAt != null && !now.isBefore(expiresAt);
  }
}

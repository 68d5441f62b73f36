package io.echotag.projects;

import io.echotag.http.ApiError;
import io.echotag.keys.Principal;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.time.ZoneId;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Projects by id, cached per node for {@code ttlMillis} and dropped on change, and the one place
 * where a request's project is resolved: {@code project_id} when given, else the key's default;
 * a project the key cannot access is {@code 404 project_not_found}, never a hint that it exists.
 */
public final class ProjectCache {
  private record Entry(Project project, long loadedAt) {
  }

  private final Pool pool;
  private final long ttlMillis;
  private final Map<String, Entry> byId = new ConcurrentHashMap<>();

  public ProjectCache(Pool pool, long ttlMillis) {
    this.pool = pool;
    this.ttlMillis = ttlMillis;
  }

  /** The project the caller asked for (or its default), checked against the key. */
  public Future<Project> resolve(Principal principal, String requestedId) {
    String id = requestedId != null ? requestedId : principal.defaultProjectId();
    if (id == null) {
      return Future.failedFuture(ApiError.badRequest("missing_fields",
          "Missing required fields: project_id (this key has no default project)", "project_id"));
    }
    if (!principal.mayAccess(id)) {
      return Future.failedFuture(notFound(id));
    }
    return get(id).compose(project -> project != null && project.organizationId().equals(principal.organizationId())
        ? Future.succeededFuture(project)
        : Future.failedFuture(notFound(id)));
  }

  /** The project, or null when there is none with this id. */
  public Future<Project> get(String id) {
    long now = System.currentTimeMillis();
    Entry entry = byId.get(id);
    if (entry != null && now - entry.loadedAt < ttlMillis) {
      return Future.succeededFuture(entry.project);
    }
    return pool.preparedQuery(ProjectSql.BY_ID).execute(Tuple.of(id)).map(rows -> {
      if (rows.size() == 0) {
        byId.remove(id);
        return null;
      }
      Project project = fromRow(rows.iterator().next());
      byId.put(id, new Entry(project, now));
      return project;
    });
  }

  public void invalidate(String id) {
    byId.remove(id);
  }

  static Project fromRow(Row row) {
    JsonObject settings = row.getJsonObject("settings");
    return new Project(row.getString("id"), row.getString("organization_id"), row.getString("name"),
        row.getString("domain"), ZoneId.of(row.getString("timezone")), settings == null ? new JsonObject() : settings);
  }

  static ApiError notFound(String id) {
    return ApiError.notFound("project_not_found", "No project " + id + " for this API key");
  }
}

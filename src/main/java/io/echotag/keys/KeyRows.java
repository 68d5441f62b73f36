package io.echotag.keys;

import io.echotag.common.Times;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;

import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/** Maps {@code api_keys} rows to principals and to the API's key objects. */
final class KeyRows {
  private KeyRows() {
  }

  static Principal principal(Row row) {
    Set<Scope> scopes = EnumSet.noneOf(Scope.class);
    for (String s : row.getArrayOfStrings("scopes")) {
      Scope scope = Scope.fromWire(s);
      if (scope != null) {
        scopes.add(scope);
      }
    }
    String[] projects = row.getArrayOfStrings("project_ids");
    OffsetDateTime expires = row.getOffsetDateTime("expires_at");
    return new Principal(row.getString("id"), row.getString("organization_id"), row.getString("name"), scopes,
        projects == null ? null : List.of(projects), row.getString("default_project_id"),
        expires == null ? null : expires.toInstant());
  }

  static boolean revoked(Row row) {
    return row.getOffsetDateTime("revoked_at") != null;
  }

  static JsonObject json(Row row) {
    String[] projects = row.getArrayOfStrings("project_ids");
    return new JsonObject()
        .put("id", row.getString("id"))
        .put("name", row.getString("name"))
        .put("prefix", row.getString("prefix"))
        .put("project_ids", projects == null ? null : new JsonArray(Arrays.asList(projects)))
        .put("scopes", new JsonArray(Arrays.asList(row.getArrayOfStrings("scopes"))))
        .put("default_project_id", row.getString("default_project_id"))
        .put("created_at", Times.format(row.getOffsetDateTime("created_at")))
        .put("last_used_at", Times.format(row.getOffsetDateTime("last_used_at")))
        .put("expires_at", Times.format(row.getOffsetDateTime("expires_at")));
  }
}

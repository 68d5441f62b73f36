package io.echotag.tags;

import io.echotag.common.Ids;
import io.echotag.common.Times;
import io.echotag.http.ApiError;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.time.Instant;

/** Tag lookups other features use (visitors assign tags by id or by name, created on demand). */
public final class Tags {
  public static final int NAME_MAX = 64;

  private Tags() {
  }

  /** The project's tag with this id, or a {@code 404 tag_not_found}. */
  public static Future<JsonObject> byId(SqlClient client, String projectId, String tagId) {
    return client.preparedQuery(TagSql.BY_ID).execute(Tuple.of(projectId, tagId)).map(rows -> {
      if (rows.size() == 0) {
        throw notFound(tagId);
      }
      return json(rows.iterator().next());
    });
  }

  /** The project's tag with this name, created with the default color when missing. */
  public static Future<JsonObject> ensure(SqlClient client, String projectId, String name) {
    return client.preparedQuery(TagSql.ENSURE)
        .execute(Tuple.of(Ids.next("tag"), projectId, name, Times.utc(Instant.now())))
        .map(rows -> json(rows.iterator().next()));
  }

  static ApiError notFound(String tagId) {
    return ApiError.notFound("tag_not_found", "No tag " + tagId + " in this project");
  }

  static JsonObject json(Row row) {
    JsonObject tag = new JsonObject()
        .put("id", row.getString("id"))
        .put("project_id", row.getString("project_id"))
        .put("name", row.getString("name"))
        .put("description", row.getString("description"))
        .put("color", row.getString("color"))
        .put("created_at", Times.format(row.getOffsetDateTime("created_at")))
        .put("updated_at", Times.format(row.getOffsetDateTime("updated_at")));
    if (row.getColumnIndex("visitor_count") >= 0) {
      tag.put("visitor_count", row.getLong("visitor_count"));
    }
    return tag;
  }
}

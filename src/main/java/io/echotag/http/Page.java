package io.echotag.http;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;

import java.util.function.Function;

/**
 * One page of a list. Queries fetch {@code limit + 1} rows ({@link #fetch()}) so that
 * {@code has_more} costs nothing.
 */
public record Page(int limit, int offset) {

  public int fetch() {
    return limit + 1;
  }

  /** {@code {"data": [...], "limit", "offset", "has_more"}} from rows fetched with {@link #fetch()}. */
  public JsonObject of(RowSet<Row> rows, Function<Row, JsonObject> mapper) {
    JsonArray data = new JsonArray();
    int count = 0;
    for (Row row : rows) {
      if (count++ == limit) {
        break;
      }
      data.add(mapper.apply(row));
    }
    return new JsonObject()
        .put("data", data)
        .put("limit", limit)
        .put("offset", offset)
        .put("has_more", rows.size() > limit);
  }
}

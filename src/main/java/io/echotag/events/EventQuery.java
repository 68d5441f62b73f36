package io.echotag.events;

import io.echotag.common.Times;
import io.echotag.http.Page;
import io.echotag.http.Query;
import io.echotag.projects.Project;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Tuple;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code GET /v1/events} filters. Only the filters given become conditions, so each shape of
 * query gets a plan that fits it; column names come from this class, values are bind parameters.
 */
record EventQuery(String projectId, List<String> conditions, List<Object> values) {

  static EventQuery from(RoutingContext ctx, Project project) {
    EventQuery query = new EventQuery(project.id(), new ArrayList<>(), new ArrayList<>());
    query.add("visitor_id = ", Query.string(ctx, "visitor_id"));
    query.add("event_type = ", Query.string(ctx, "event_type"));
    query.add("session_id = ", Query.string(ctx, "session_id"));
    Instant start = Query.date(ctx, "start_date", project.timezone(), false);
    Instant end = Query.date(ctx, "end_date", project.timezone(), true);
    query.add("\"timestamp\" >= ", start == null ? null : Times.utc(start));
    query.add("\"timestamp\" < ", end == null ? null : Times.utc(end));
    return query;
  }

  private void add(String condition, Object value) {
    if (value != null) {
      values.add(value);
      conditions.add(condition + "$" + (values.size() + 1));
    }
  }

  String sql(Page page) {
    StringBuilder sql = new StringBuilder("SELECT ").append(EventRows.COLUMNS)
        .append(" FROM events WHERE project_id = $1");
    for (String condition : conditions) {
      sql.append(" AND ").append(condition);
    }
    int n = values.size();
    return sql.append(" ORDER BY \"timestamp\" DESC, id DESC LIMIT $").append(n + 2).append(" OFFSET $")
        .append(n + 3).toString();
  }

  Tuple params(Page page) {
    Tuple tuple = Tuple.tuple().addString(projectId);
    values.forEach(tuple::addValue);
    return tuple.addInteger(page.fetch()).addInteger(page.offset());
  }
}

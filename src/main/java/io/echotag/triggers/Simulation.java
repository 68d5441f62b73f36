package io.echotag.triggers;

import io.echotag.Services;
import io.echotag.common.Times;
import io.echotag.events.EventRows;
import io.echotag.http.ApiError;
import io.echotag.http.Auth;
import io.echotag.http.Bodies;
import io.echotag.http.Query;
import io.echotag.http.Replies.Reply;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code POST /v1/triggers/{id}/simulate}: replays the project's stored events through a trigger
 * without running any action. Waits are judged from the stored history: an event whose wait is
 * over counts only if none of the visitor's later events (within the wait) breaks it.
 */
final class Simulation {
  static final int DEFAULT_LIMIT = 1000;
  static final int MAX_LIMIT = 10_000;
  static final int SAMPLE = 10;
  static final String EVENTS = "SELECT e.project_id, e.id, e.event_type, e.visitor_id, e.session_id, e.data, "
      + "e.\"timestamp\", e.received_at FROM events e WHERE e.project_id = $1 AND ($2 = '*' OR e.event_type = $2) "
      + "AND e.\"timestamp\" >= $3 AND e.\"timestamp\" < $4 ORDER BY e.\"timestamp\" LIMIT $5";
  static final String LATER = "SELECT project_id, id, event_type, visitor_id, session_id, data, \"timestamp\", "
      + "received_at FROM events WHERE project_id = $1 AND visitor_id = $2 AND \"timestamp\" >= $3 "
      + "AND \"timestamp\" <= $4 AND id <> $5 ORDER BY \"timestamp\" LIMIT 1000";

  private Simulation() {
  }

  static Future<Reply> run(RoutingContext ctx, Services services) {
    JsonObject body = Bodies.object(ctx);
    Bodies.require(body, "start_date", "end_date");
    Instant start = instant(body, "start_date", false);
    Instant end = instant(body, "end_date", true);
    Long requested = Bodies.number(body, "limit", 1, MAX_LIMIT);
    int limit = requested == null ? DEFAULT_LIMIT : requested.intValue();
    return services.projects().resolve(Auth.principal(ctx), Bodies.projectId(ctx, body))
        .compose(project -> TriggerRoutes.trigger(services, project, ctx.pathParam("id")).compose(row -> {
          Trigger trigger = Trigger.from(row);
          return services.pool().preparedQuery(EVENTS).execute(Tuple.of(project.id(), trigger.eventType(),
                  Times.utc(start), Times.utc(end), limit))
              .compose(events -> judge(services, trigger, events));
        }))
        .map(Reply::ok);
  }

  private static Future<JsonObject> judge(Services services, Trigger trigger, Iterable<Row> rows) {
    List<JsonObject> matched = new ArrayList<>();
    for (Row row : rows) {
      JsonObject event = EventRows.json(row);
      if (trigger.conditions().matches(new EvalContext(event, visitorStub(event)))) {
        matched.add(event);
      }
    }
    JsonArray sample = new JsonArray();
    int[] wouldExecute = {0};
    Future<Void> chain = Future.succeededFuture();
    for (JsonObject event : matched) {
      chain = chain.compose(v -> waitHolds(services, trigger, event).map(holds -> {
        if (holds) {
          wouldExecute[0]++;
          if (sample.size() < SAMPLE) {
            TemplateContext ctx = new TemplateContext(event, visitorStub(event), trigger.templateView(), null);
            sample.add(new JsonObject().put("event_id", event.getString("id"))
                .put("visitor_id", event.getString("visitor_id"))
                .put("actions", Templates.render(trigger.actions(), ctx)));
          }
        }
        return null;
      }));
    }
    return chain.map(v -> new JsonObject().put("matched_events", matched.size())
        .put("would_execute", wouldExecute[0]).put("sample", sample));
  }

  /** Whether the wait would have passed: it is over, and no later event within it broke a wait condition. */
  private static Future<Boolean> waitHolds(Services services, Trigger trigger, JsonObject event) {
    if (!trigger.conditions().waits()) {
      return Future.succeededFuture(true);
    }
    Instant at = Instant.parse(event.getString("timestamp"));
    Instant until = at.plusMillis(trigger.conditions().waitMs());
    if (until.isAfter(Instant.now())) {
      return Future.succeededFuture(false);
    }
    if (trigger.conditions().noEvents().isEmpty()) {
      return Future.succeededFuture(true);
    }
    return services.pool().preparedQuery(LATER).execute(Tuple.of(event.getString("project_id"),
            event.getString("visitor_id"), Times.utc(at), Times.utc(until), event.getString("id")))
        .map(later -> {
          for (Row row : later) {
            if (trigger.conditions().cancelledBy(new EvalContext(EventRows.json(row), visitorStub(event)))) {
              return false;
            }
          }
          return true;
        });
  }

  /** Simulation judges events, not today's profiles: the visitor is known by id only. */
  private static JsonObject visitorStub(JsonObject event) {
    return new JsonObject().put("id", event.getString("visitor_id"));
  }

  private static Instant instant(JsonObject body, String field, boolean end) {
    if (body.getValue(field) instanceof String value) {
      return Query.dateBound(field, value, ZoneOffset.UTC, end);
    }
    throw ApiError.invalid(field, field + " must be YYYY-MM-DD or an ISO-8601 instant");
  }

}

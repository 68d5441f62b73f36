package io.echotag.events;

import io.echotag.Services;
import io.echotag.common.Times;
import io.echotag.http.ApiError;
import io.echotag.http.Auth;
import io.echotag.http.Bodies;
import io.echotag.http.Page;
import io.echotag.http.Query;
import io.echotag.http.Replies.Reply;
import io.echotag.keys.Principal;
import io.echotag.keys.Scope;
import io.echotag.projects.Project;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Tuple;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.echotag.http.Replies.reply;

/**
 * {@code /v1/events}: track one event or a batch through the {@link IngestBuffer} (answered
 * only after commit), and read them back.
 */
public final class EventRoutes {
  private final Services services;
  private final IngestBuffer buffer;
  private final EventValidator validator;

  private EventRoutes(Services services, IngestBuffer buffer) {
    this.services = services;
    this.buffer = buffer;
    this.validator = new EventValidator(services.config().ingest().dataMaxBytes());
  }

  public static void mount(Router router, Services services, IngestBuffer buffer) {
    EventRoutes routes = new EventRoutes(services, buffer);
    router.post("/v1/events").handler(Auth.require(Scope.INGEST)).handler(reply(routes::track));
    router.post("/v1/events/batch").handler(Auth.require(Scope.INGEST)).handler(reply(routes::batch));
    router.get("/v1/events").handler(Auth.require(Scope.READ)).handler(reply(routes::list));
    router.get("/v1/events/:id").handler(Auth.require(Scope.READ)).handler(reply(routes::get));
  }

  private Future<Reply> track(RoutingContext ctx) {
    Instant received = now();
    EventValidator.Fields fields = validator.parse(Bodies.object(ctx), new JsonObject(),
        ctx.request().getHeader("Idempotency-Key"), received);
    return services.projects().resolve(Auth.principal(ctx), fields.projectId())
        .compose(project -> buffer.submit(List.of(fields.toInput(project))))
        .map(stored -> {
          StoredEvent event = stored.get(0);
          return event.created() ? Reply.created(event.event()) : Reply.ok(event.event());
        });
  }

  /** Each event is judged on its own; the accepted ones are committed before the answer. */
  private Future<Reply> batch(RoutingContext ctx) {
    Instant received = now();
    JsonObject body = Bodies.object(ctx);
    Bodies.require(body, "events");
    JsonArray events = Bodies.array(body, "events");
    int max = services.config().ingest().batchMaxEvents();
    if (events.size() > max) {
      throw ApiError.invalid("events", "events holds " + events.size() + " events; the limit is " + max);
    }
    JsonObject defaults = EventValidator.batchDefaults(body);

    Map<Integer, EventValidator.Fields> valid = new HashMap<>();
    List<JsonObject> errors = new ArrayList<>();
    Set<String> projectIds = new LinkedHashSet<>();
    for (int i = 0; i < events.size(); i++) {
      try {
        if (!(events.getValue(i) instanceof JsonObject event)) {
          throw ApiError.invalid("events." + i, "events." + i + " must be a JSON object");
        }
        EventValidator.Fields fields = validator.parse(event, defaults, null, received);
        valid.put(i, fields);
        projectIds.add(String.valueOf(fields.projectId()));
      } catch (ApiError e) {
        errors.add(new JsonObject().put("index", i).put("error", e.toJson(null)));
      }
    }
    Principal principal = Auth.principal(ctx);
    Map<String, Future<Project>> projects = new HashMap<>();
    for (String id : projectIds) {
      projects.put(id, services.projects().resolve(principal, id.equals("null") ? null : id));
    }
    return Future.join(new ArrayList<>(projects.values()))
        .transform(ignored -> submitValid(events.size(), valid, projects, errors));
  }

  private Future<Reply> submitValid(int count, Map<Integer, EventValidator.Fields> valid,
                                    Map<String, Future<Project>> projects, List<JsonObject> errors) {
    for (Future<Project> project : projects.values()) {
      if (project.failed() && !(project.cause() instanceof ApiError)) {
        return Future.failedFuture(project.cause());
      }
    }
    List<Integer> indexes = new ArrayList<>();
    List<EventInput> inputs = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      EventValidator.Fields fields = valid.get(i);
      if (fields == null) {
        continue;
      }
      Future<Project> project = projects.get(String.valueOf(fields.projectId()));
      if (project.failed()) {
        errors.add(new JsonObject().put("index", i).put("error", ((ApiError) project.cause()).toJson(null)));
        continue;
      }
      indexes.add(i);
      inputs.add(fields.toInput(project.result()));
    }
    Future<List<StoredEvent>> stored = inputs.isEmpty() ? Future.succeededFuture(List.of()) : buffer.submit(inputs);
    return stored.map(results -> {
      JsonArray ids = new JsonArray();
      results.forEach(r -> ids.add(r.event().getString("id")));
      errors.sort(Comparator.comparing(error -> error.getInteger("index")));
      return Reply.ok(new JsonObject()
          .put("accepted", results.size())
          .put("ids", ids)
          .put("errors", new JsonArray(new ArrayList<>(errors))));
    });
  }

  private Future<Reply> list(RoutingContext ctx) {
    Page page = Query.page(ctx);
    return services.projects().resolve(Auth.principal(ctx), Query.string(ctx, "project_id"))
        .compose(project -> {
          EventQuery query = EventQuery.from(ctx, project);
          return services.pool().preparedQuery(query.sql(page)).execute(query.params(page));
        })
        .map(rows -> Reply.ok(page.of(rows, EventRows::json)));
  }

  private Future<Reply> get(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    if (Bodies.hasNul(id)) {
      // no event id holds U+0000, and PostgreSQL would refuse to compare with it
      throw ApiError.notFound("event_not_found", "No such event in this project");
    }
    return services.projects().resolve(Auth.principal(ctx), Query.string(ctx, "project_id"))
        .compose(project -> services.pool()
            .preparedQuery("SELECT " + EventRows.COLUMNS + " FROM events WHERE project_id = $1 AND id = $2")
            .execute(Tuple.of(project.id(), id)))
        .map(rows -> {
          if (rows.size() == 0) {
            throw ApiError.notFound("event_not_found", "No event " + id + " in this project");
          }
          return EventRows.json(rows.iterator().next());
        })
        .compose(event -> services.pool().preparedQuery(EventRows.CAUSED).execute(Tuple.of(event.getString("project_id"), id))
            .map(caused -> {
              Object executions = caused.iterator().next().getValue("executions");
              Object deliveries = caused.iterator().next().getValue("deliveries");
              return Reply.ok(event.put("executions", executions).put("deliveries", deliveries));
            }));
  }

  private static Instant now() {
    return Times.millis(Instant.now());
  }
}

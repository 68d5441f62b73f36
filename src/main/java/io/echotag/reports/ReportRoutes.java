package io.echotag.reports;

import io.echotag.Services;
import io.echotag.common.Ids;
import io.echotag.common.Times;
import io.echotag.http.ApiError;
import io.echotag.http.Auth;
import io.echotag.http.Bodies;
import io.echotag.http.Page;
import io.echotag.http.Query;
import io.echotag.http.Replies.Reply;
import io.echotag.keys.Scope;
import io.echotag.projects.Project;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import static io.echotag.http.Replies.reply;

/**
 * {@code /v1/reports}: create (validate, run, then save: a report that cannot run is not saved),
 * list the saved definitions, read one with fresh results (JSON, or CSV for
 * {@code Accept: text/csv}), delete.
 */
public final class ReportRoutes {
  static final String CSV = "text/csv; charset=utf-8";

  private final Services services;
  private final ReportGate gate;

  private ReportRoutes(Services services, ReportGate gate) {
    this.services = services;
    this.gate = gate;
  }

  public static void mount(Router router, Vertx vertx, Services services) {
    ReportRoutes routes = new ReportRoutes(services, ReportGate.of(vertx, services.config().reports().maxConcurrent()));
    router.post("/v1/reports").handler(Auth.require(Scope.WRITE)).handler(reply(routes::create));
    router.get("/v1/reports").handler(Auth.require(Scope.READ)).handler(reply(routes::list));
    router.get("/v1/reports/:id").handler(Auth.require(Scope.READ)).handler(reply(routes::get));
    router.delete("/v1/reports/:id").handler(Auth.require(Scope.WRITE)).handler(reply(routes::delete));
  }

  private Future<Reply> create(RoutingContext ctx) {
    JsonObject body = Bodies.object(ctx);
    ReportDefinition report = ReportDefinition.parse(body);
    return project(ctx, Bodies.projectId(ctx, body))
        .compose(project -> run(ctx, project, report)
            .compose(run -> services.pool().preparedQuery(ReportSql.INSERT).execute(Tuple.tuple()
                    .addString(project.id()).addString(Ids.next("rep")).addString(report.name())
                    .addString(report.json().getString("report_type")).addValue(report.json()))
                .map(rows -> Reply.created(withResults(json(rows.iterator().next()), run)))));
  }

  private Future<Reply> list(RoutingContext ctx) {
    Page page = Query.page(ctx);
    return project(ctx, Query.string(ctx, "project_id"))
        .compose(project -> services.pool().preparedQuery(ReportSql.LIST)
            .execute(Tuple.of(project.id(), page.fetch(), page.offset())))
        .map(rows -> Reply.ok(page.of(rows, ReportRoutes::json)));
  }

  private Future<Reply> get(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    boolean csv = wantsCsv(ctx);
    return project(ctx, Query.string(ctx, "project_id"))
        .compose(project -> report(project, id).compose(row -> {
          ReportDefinition report = ReportDefinition.parse(row.getJsonObject("definition"));
          return run(ctx, project, report).map(run -> {
            if (!csv) {
              return Reply.ok(withResults(json(row), run));
            }
            // The one non-JSON answer of the API: written here; reply() sends nothing once the response has ended.
            ctx.response().setStatusCode(200)
                .putHeader(HttpHeaders.CONTENT_TYPE, CSV)
                .putHeader("Content-Disposition", "attachment; filename=\"" + id + ".csv\"")
                .end(Csv.of(run.results()));
            return Reply.ok(new JsonObject());
          });
        }));
  }

  private Future<Reply> delete(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    return project(ctx, Query.string(ctx, "project_id"))
        .compose(project -> services.pool().preparedQuery(ReportSql.DELETE).execute(Tuple.of(project.id(), id)))
        .map(rows -> {
          if (rows.size() == 0) {
            throw notFound(id);
          }
          return Reply.noContent();
        });
  }

  private Future<ReportRunner.Run> run(RoutingContext ctx, Project project, ReportDefinition report) {
    return gate.run(ctx.vertx().getOrCreateContext(), () -> ReportRunner.run(services, project, report));
  }

  private static boolean wantsCsv(RoutingContext ctx) {
    String accept = ctx.request().getHeader(HttpHeaders.ACCEPT);
    return accept != null && accept.toLowerCase(java.util.Locale.ROOT).contains("text/csv");
  }

  private Future<Project> project(RoutingContext ctx, String requested) {
    return services.projects().resolve(Auth.principal(ctx), requested);
  }

  private Future<Row> report(Project project, String id) {
    return services.pool().preparedQuery(ReportSql.GET).execute(Tuple.of(project.id(), id)).map(rows -> {
      if (rows.size() == 0) {
        throw notFound(id);
      }
      return rows.iterator().next();
    });
  }

  static ApiError notFound(String id) {
    return ApiError.notFound("report_not_found", "No report " + id + " in this project");
  }

  static JsonObject json(Row row) {
    return new JsonObject()
        .put("id", row.getString("id"))
        .put("project_id", row.getString("project_id"))
        .mergeIn(row.getJsonObject("definition"))
        .put("created_at", Times.format(row.getOffsetDateTime("created_at")))
        .put("updated_at", Times.format(row.getOffsetDateTime("updated_at")));
  }

  private static JsonObject withResults(JsonObject report, ReportRunner.Run run) {
    return report.put("results", run.results())
        .put("start_date", Times.format(run.window().start()))
        .put("end_date", Times.format(run.window().end()))
        .put("generated_at", Times.format(run.generatedAt()));
  }
}

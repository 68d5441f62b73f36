package io.echotag.openapi;

import io.echotag.testing.Api;
import io.echotag.testing.Routes;
import io.echotag.testing.TestGateway;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code GET /openapi.json} describes exactly the routes the gateway serves, and is a well-formed document. */
class OpenApiTest {
  private static final Set<String> HTTP_METHODS = Set.of("get", "put", "post", "delete", "options", "head", "patch", "trace");

  /**
   * Contract endpoints of API.md that the document describes but the router does not serve yet.
   * Empty: every documented operation is routed, so the document and the router must match exactly.
   */
  private static final Set<String> NOT_ROUTED_YET = Set.of();

  private static TestGateway gateway;
  private static JsonObject doc;

  @BeforeAll
  static void start() {
    gateway = TestGateway.start();
    Api.Response response = gateway.api().withKey(null).get(OpenApiRoutes.PATH);
    assertThat(response.status()).isEqualTo(200);
    assertThat(response.header("Content-Type")).startsWith("application/json");
    doc = response.json();
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  @Test
  @DisplayName("the document is served without an API key, parses as JSON and is OpenAPI 3.1 with a bearer scheme")
  void servedAndParses() {
    assertThat(doc.getString("openapi")).isEqualTo("3.1.0");
    assertThat(doc.getJsonObject("info").getString("title")).isNotBlank();
    assertThat(doc.getJsonObject("components").getJsonObject("securitySchemes").getJsonObject("bearerAuth"))
        .isEqualTo(new JsonObject().put("type", "http").put("scheme", "bearer")
            .put("description", "an API key: et_live_ followed by 32+ letters and digits"));
    assertThat(doc.getJsonArray("security")).containsExactly(new JsonObject().put("bearerAuth", new JsonArray()));
  }

  @Test
  @DisplayName("the documented paths and methods equal the router's routes (but for the contract endpoints not routed yet)")
  void pathsEqualRoutes() {
    Set<String> documented = documentedOperations();
    Set<String> routed = Routes.of(gateway);

    Set<String> undocumented = new TreeSet<>(routed);
    undocumented.removeAll(documented);
    assertThat(undocumented).as("routes the document does not describe").isEmpty();

    Set<String> notRouted = new TreeSet<>(documented);
    notRouted.removeAll(routed);
    assertThat(notRouted).as("documented operations the router does not serve").isSubsetOf(NOT_ROUTED_YET);
    assertThat(documented).containsAll(NOT_ROUTED_YET);
  }

  @Test
  @DisplayName("the root endpoints are documented without security and answer without an API key; /v1 ones need the key")
  void security() {
    JsonObject paths = doc.getJsonObject("paths");
    for (String path : paths.fieldNames()) {
      for (JsonObject operation : operations(paths.getJsonObject(path))) {
        if (path.startsWith("/v1/")) {
          assertThat(operation.containsKey("security") && operation.getJsonArray("security").isEmpty())
              .as(path + " needs a key").isFalse();
        } else {
          assertThat(operation.getJsonArray("security")).as(path).isEmpty();
          assertThat(gateway.api().withKey(null).get(path).status()).as(path).isEqualTo(200);
        }
      }
    }
    assertThat(gateway.api().withKey(null).get("/v1/events").status()).isEqualTo(401);
  }

  @Test
  @DisplayName("every $ref resolves, and every component schema is used")
  void refsResolve() {
    List<String> refs = new ArrayList<>();
    collectRefs(doc, refs);
    assertThat(refs).isNotEmpty();
    for (String ref : refs) {
      assertThat(ref).startsWith("#/");
      assertThat(resolve(ref)).as(ref).isNotNull();
    }
    Set<String> used = new HashSet<>(refs);
    for (String schema : doc.getJsonObject("components").getJsonObject("schemas").fieldNames()) {
      assertThat(used).as("schema " + schema + " is referenced").contains("#/components/schemas/" + schema);
    }
  }

  @Test
  @DisplayName("the API's objects and the error shape have schemas; errors name type, code, message, param, request_id")
  void schemas() {
    JsonObject schemas = doc.getJsonObject("components").getJsonObject("schemas");
    assertThat(schemas.fieldNames()).contains("Event", "Visitor", "Session", "Trigger", "Execution", "Webhook",
        "Delivery", "Attempt", "Integration", "Analytics", "RealtimeSnapshot", "Report", "Project", "Tag", "ApiKey",
        "Error", "Page");
    JsonObject error = schemas.getJsonObject("Error").getJsonObject("properties").getJsonObject("error");
    assertThat(error.getJsonObject("properties").fieldNames())
        .containsExactlyInAnyOrder("type", "code", "message", "param", "request_id");
    assertThat(schemas.getJsonObject("Event").getJsonArray("required")).contains("id", "project_id", "event_type",
        "visitor_id", "session_id", "data", "timestamp", "received_at");
  }

  @Test
  @DisplayName("every operation has a unique operationId, responses, and declares each path parameter of its path")
  void operationsWellFormed() {
    Set<String> ids = new HashSet<>();
    JsonObject paths = doc.getJsonObject("paths");
    Pattern placeholder = Pattern.compile("\\{([^}]+)}");
    for (String path : paths.fieldNames()) {
      Set<String> inPath = new TreeSet<>();
      Matcher m = placeholder.matcher(path);
      while (m.find()) {
        inPath.add(m.group(1));
      }
      for (JsonObject operation : operations(paths.getJsonObject(path))) {
        assertThat(ids.add(operation.getString("operationId"))).as("unique " + operation.getString("operationId")).isTrue();
        assertThat(operation.getJsonObject("responses").fieldNames()).as(path).isNotEmpty();
        Set<String> declared = new TreeSet<>();
        for (Object p : operation.getJsonArray("parameters", new JsonArray())) {
          JsonObject parameter = (JsonObject) resolveIfRef((JsonObject) p);
          if ("path".equals(parameter.getString("in"))) {
            declared.add(parameter.getString("name"));
          }
        }
        assertThat(declared).as(operation.getString("operationId") + " path parameters").isEqualTo(inPath);
      }
    }
  }

  @Test
  @DisplayName("real answers carry every required field of their schema and no field the schema leaves out")
  void answersMatchSchemas() {
    Api api = gateway.api();
    JsonObject event = api.post("/v1/events", new JsonObject().put("event_type", "page_view").put("visitor_id", "v1")
        .put("data", new JsonObject().put("url", "https://example.com/"))).json();
    assertMatches("Event", event);
    assertMatches("EventDetail", api.get("/v1/events/" + event.getString("id")).json());
    assertMatches("Visitor", api.get("/v1/visitors/v1").json());
    assertMatches("Session", api.get("/v1/sessions/" + event.getString("session_id")).json());
    assertMatches("Project", api.get("/v1/projects").data().getJsonObject(0));
    assertMatches("Tag", api.post("/v1/tags", new JsonObject().put("name", "vip")).json());
    assertMatches("ApiKey", api.get("/v1/auth/keys").data().getJsonObject(0));
    assertMatches("ApiKeyCreated", api.post("/v1/auth/keys", new JsonObject().put("name", "reader")
        .put("scopes", new JsonArray().add("read"))).json());
    assertMatches("Webhook", api.post("/v1/webhooks", new JsonObject().put("name", "sink")
        .put("url", "https://example.com/hook")).json());
    assertMatches("Trigger", api.post("/v1/triggers", new JsonObject().put("name", "t").put("event_type", "purchase")
        .put("actions", new JsonArray().add(new JsonObject().put("type", "add_tag").put("tag", "buyer")))).json());
    assertMatches("Integration", api.post("/v1/integrations", new JsonObject().put("type", "slack").put("name", "s")
        .put("config", new JsonObject().put("webhook_url", "https://hooks.slack.com/services/T/B/x"))).json());
    assertMatches("Page", api.get("/v1/events").json());
    assertMatches("Analytics", api.get("/v1/analytics").json());
    assertMatches("RealtimeSnapshot", api.get("/v1/analytics/realtime").json());
    assertMatches("StreamToken", api.post("/v1/analytics/realtime/token", new JsonObject()).json());
    JsonObject report = api.post("/v1/reports", new JsonObject().put("report_type", "events")
        .put("group_by", new JsonArray().add("event_type")).put("metrics", new JsonArray().add("count"))).json();
    assertMatches("Report", report);
    assertMatches("Report", api.get("/v1/reports/" + report.getString("id")).json());
    assertMatches("Report", api.get("/v1/reports").data().getJsonObject(0));
    assertMatches("Report", api.post("/v1/reports", new JsonObject().put("report_type", "funnel")
        .put("steps", new JsonArray().add("page_view").add("purchase"))).json());
    assertMatches("Report", api.post("/v1/reports", new JsonObject().put("report_type", "retention")).json());
    assertMatches("Error", api.get("/v1/events/evt_missing").json());
  }

  /** Top-level fields: the schema's required ones are present, and each present one is a documented property. */
  private static void assertMatches(String schemaName, JsonObject answer) {
    JsonObject schema = (JsonObject) resolve("#/components/schemas/" + schemaName);
    Set<String> properties = new TreeSet<>();
    Set<String> required = new TreeSet<>();
    collectFields(schema, properties, required);
    assertThat(answer.fieldNames()).as(schemaName + " required fields in " + answer).containsAll(required);
    assertThat(properties).as(schemaName + " documents every field of " + answer).containsAll(answer.fieldNames());
  }

  private static void collectFields(JsonObject schema, Set<String> properties, Set<String> required) {
    JsonObject resolved = (JsonObject) resolveIfRef(schema);
    for (Object part : resolved.getJsonArray("allOf", new JsonArray())) {
      collectFields((JsonObject) part, properties, required);
    }
    properties.addAll(resolved.getJsonObject("properties", new JsonObject()).fieldNames());
    resolved.getJsonArray("required", new JsonArray()).forEach(r -> required.add((String) r));
  }

  private static Set<String> documentedOperations() {
    Set<String> out = new TreeSet<>();
    JsonObject paths = doc.getJsonObject("paths");
    for (String path : paths.fieldNames()) {
      for (String method : paths.getJsonObject(path).fieldNames()) {
        if (HTTP_METHODS.contains(method)) {
          out.add(method.toUpperCase() + " " + path);
        }
      }
    }
    return out;
  }

  private static List<JsonObject> operations(JsonObject pathItem) {
    return pathItem.fieldNames().stream().filter(HTTP_METHODS::contains).map(pathItem::getJsonObject).toList();
  }

  private static void collectRefs(Object node, List<String> refs) {
    if (node instanceof JsonObject object) {
      for (String key : object.fieldNames()) {
        Object value = object.getValue(key);
        if (key.equals("$ref") && value instanceof String ref) {
          refs.add(ref);
        } else {
          collectRefs(value, refs);
        }
      }
    } else if (node instanceof JsonArray array) {
      array.forEach(item -> collectRefs(item, refs));
    }
  }

  /** Resolves a local JSON pointer ({@code #/components/schemas/Event}); null when a step is missing. */
  private static Object resolve(String ref) {
    Object current = doc;
    for (String token : ref.substring(2).split("/")) {
      String key = token.replace("~1", "/").replace("~0", "~");
      if (!(current instanceof JsonObject object) || !object.containsKey(key)) {
        return null;
      }
      current = object.getValue(key);
    }
    return current;
  }

  private static Object resolveIfRef(JsonObject node) {
    return node.containsKey("$ref") ? resolve(node.getString("$ref")) : node;
  }
}

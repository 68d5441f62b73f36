package io.echotag.deploy;

import io.echotag.config.ConfigException;
import io.echotag.config.ConfigLoader;
import io.echotag.config.EchoTagConfig;
import io.echotag.testing.ConfigNames;
import io.echotag.testing.Routes;
import io.echotag.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static io.echotag.deploy.Manifests.at;
import static io.echotag.deploy.Manifests.list;
import static io.echotag.deploy.Manifests.map;
import static io.echotag.deploy.Manifests.selects;
import static io.echotag.deploy.Manifests.str;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every manifest of {@code k8s/} parses, hangs together, and names only paths, ports and variables the code has. */
class ManifestsTest {
  private static final Path K8S = Path.of("k8s");

  private static Manifests k8s;
  private static TestGateway gateway;

  @BeforeAll
  static void read() throws Exception {
    k8s = Manifests.read(K8S);
    gateway = TestGateway.start();
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  @Test
  @DisplayName("kustomization.yaml lists every manifest in k8s/ and nothing else, in the namespace it creates")
  void kustomizationListsEveryFile() throws Exception {
    Manifests.Doc kustomization = k8s.one("Kustomization");
    Set<String> listed = list(at(kustomization.tree(), "resources")).stream().map(Object::toString)
        .collect(Collectors.toCollection(TreeSet::new));
    Set<String> files;
    try (var stream = Files.list(K8S)) {
      files = stream.map(p -> p.getFileName().toString()).filter(n -> !n.equals("kustomization.yaml"))
          .collect(Collectors.toCollection(TreeSet::new));
    }
    assertThat(listed).isEqualTo(files);
    assertThat(k8s.one("Namespace").name()).isEqualTo(str(kustomization.tree(), "namespace"));
  }

  @Test
  @DisplayName("every resource the issue asks for is there, with the API versions its controller serves")
  void everyResource() {
    assertThat(k8s.docs()).filteredOn(d -> !d.kind().equals("Kustomization"))
        .allSatisfy(d -> assertThat(d.name()).as(d.file() + " has a name").isNotBlank());
    Map<String, String> versions = new HashMap<>();
    k8s.docs().forEach(d -> versions.put(d.kind(), d.apiVersion()));
    assertThat(versions).containsEntry("Namespace", "v1").containsEntry("ConfigMap", "v1")
        .containsEntry("Secret", "v1").containsEntry("Deployment", "apps/v1").containsEntry("Service", "v1")
        .containsEntry("HorizontalPodAutoscaler", "autoscaling/v2").containsEntry("PodDisruptionBudget", "policy/v1")
        .containsEntry("ServiceMonitor", "monitoring.coreos.com/v1")
        .containsEntry("NetworkPolicy", "networking.k8s.io/v1").containsEntry("Cluster", "postgresql.cnpg.io/v1");
    assertThat(k8s.ofKind("Service")).hasSize(2);
    assertThat(at(deployment().tree(), "spec", "replicas")).isEqualTo(3);
  }

  @Test
  @DisplayName("the probes ask for GET routes of the real router that answer 200 without an API key, on the http port")
  void probes() {
    Set<String> routes = Routes.of(gateway);
    Map<String, Object> container = container();
    List<String> paths = new ArrayList<>();
    for (String probe : List.of("startupProbe", "readinessProbe", "livenessProbe")) {
      String path = str(container, probe, "httpGet", "path");
      assertThat(path).as(probe).isNotNull();
      assertThat(str(container, probe, "httpGet", "port")).as(probe + " port").isEqualTo("http");
      paths.add(path);
    }
    assertThat(str(container, "readinessProbe", "httpGet", "path")).isEqualTo("/health/ready");
    assertThat(str(container, "livenessProbe", "httpGet", "path")).isEqualTo("/health/live");
    for (String path : paths) {
      assertThat(routes).contains("GET " + path);
      assertThat(gateway.api().withKey(null).get(path).status()).as(path).isEqualTo(200);
    }
  }

  @Test
  @DisplayName("the container's http port is the default http.port, and Prometheus scrapes /metrics there")
  void ports() {
    int defaultPort = ConfigLoader.load(Map.of(), null).http().port();
    assertThat(containerPorts()).containsEntry("http", defaultPort).containsEntry("hazelcast", 5701);
    Object annotations = at(deployment().tree(), "spec", "template", "metadata", "annotations");
    assertThat(str(annotations, "prometheus.io/scrape")).isEqualTo("true");
    assertThat(str(annotations, "prometheus.io/port")).isEqualTo(Integer.toString(defaultPort));
    assertThat(Routes.of(gateway)).contains("GET " + str(annotations, "prometheus.io/path"));
  }

  @Test
  @DisplayName("every ECHOTAG_* name in the Deployment and the ConfigMap is a configuration key's variable")
  void envNamesAreConfigKeys() {
    Set<String> known = ConfigNames.envNames();
    Set<String> used = new TreeSet<>(envOfDeployment().keySet());
    used.addAll(map(at(k8s.one("ConfigMap").tree(), "data")).keySet());
    used.removeIf(n -> !n.startsWith("ECHOTAG_"));
    Set<String> unknown = new TreeSet<>(used);
    unknown.removeAll(known);
    assertThat(unknown).as("ECHOTAG_* names that are no configuration key").isEmpty();
    assertThat(used).contains("ECHOTAG_DATABASE_URL", "ECHOTAG_BOOTSTRAP_KEY", "ECHOTAG_API_ENABLED",
        "ECHOTAG_TRIGGERS_ENABLED", "ECHOTAG_DELIVERY_ENABLED", "ECHOTAG_REALTIME_ENABLED", "ECHOTAG_CLUSTER_ENABLED",
        "ECHOTAG_CLUSTER_KUBERNETES_SERVICE_DNS");
  }

  @Test
  @DisplayName("the configuration the pod would get (ConfigMap, env, a real bootstrap key, CloudNativePG uri) loads and validates")
  void configurationLoads() {
    Map<String, String> env = podEnv();
    env.put("ECHOTAG_BOOTSTRAP_KEY", TestGateway.randomKey());
    EchoTagConfig config = ConfigLoader.load(env, null);
    assertThat(config.http().port()).isEqualTo(containerPorts().get("http"));
    assertThat(config.database().embedded()).isFalse();
    assertThat(config.dataDir().toString()).isEqualTo(volumeMountOf("data"));
  }

  @Test
  @DisplayName("the example Secret's bootstrap key is refused at start-up, so the example cannot go live unchanged")
  void exampleKeyIsRefused() {
    assertThatThrownBy(() -> ConfigLoader.load(podEnv(), null))
        .isInstanceOf(ConfigException.class).hasMessageContaining("bootstrap_key");
  }

  @Test
  @DisplayName("the Secrets the pod reads exist: the example Secret's keys and the app Secret CloudNativePG generates")
  void secretsReferenced() {
    String cnpgAppSecret = k8s.one("Cluster").name() + "-app";
    Manifests.Doc example = k8s.one("Secret");
    assertThat(example.file().getFileName().toString()).contains("example");
    for (Object entry : list(at(container(), "env"))) {
      Object ref = at(entry, "valueFrom", "secretKeyRef");
      if (ref == null) {
        continue;
      }
      String secret = str(ref, "name");
      if (secret.equals(cnpgAppSecret)) {
        assertThat(str(ref, "key")).isEqualTo("uri");
        assertThat(str(entry, "name")).isEqualTo("ECHOTAG_DATABASE_URL");
      } else {
        assertThat(secret).isEqualTo(example.name());
        assertThat(map(at(example.tree(), "stringData"))).containsKey(str(ref, "key"));
      }
    }
    assertThat(list(at(container(), "envFrom"))).extracting(e -> str(e, "configMapRef", "name"))
        .containsExactly(k8s.one("ConfigMap").name());
  }

  @Test
  @DisplayName("Services, HPA, PDB, ServiceMonitor and NetworkPolicy select the Deployment's pods and name its ports")
  void selectorsMatchPods() {
    Object podLabels = at(deployment().tree(), "spec", "template", "metadata", "labels");
    assertThat(selects(at(deployment().tree(), "spec", "selector", "matchLabels"), podLabels)).isTrue();
    Set<String> portNames = containerPorts().keySet();
    for (Manifests.Doc service : k8s.ofKind("Service")) {
      assertThat(selects(at(service.tree(), "spec", "selector"), podLabels)).as(service.name()).isTrue();
      assertThat(list(at(service.tree(), "spec", "ports"))).allSatisfy(p ->
          assertThat(portNames).contains(str(p, "targetPort")));
    }
    assertThat(selects(at(k8s.one("PodDisruptionBudget").tree(), "spec", "selector", "matchLabels"), podLabels))
        .isTrue();
    Manifests.Doc policy = k8s.one("NetworkPolicy");
    assertThat(selects(at(policy.tree(), "spec", "podSelector", "matchLabels"), podLabels)).isTrue();
    for (Object rule : list(at(policy.tree(), "spec", "ingress"))) {
      assertThat(list(at(rule, "ports"))).allSatisfy(p -> assertThat(portNames).contains(str(p, "port")));
    }
    Manifests.Doc hpa = k8s.one("HorizontalPodAutoscaler");
    assertThat(str(hpa.tree(), "spec", "scaleTargetRef", "kind")).isEqualTo("Deployment");
    assertThat(str(hpa.tree(), "spec", "scaleTargetRef", "name")).isEqualTo(deployment().name());
    assertThat((Integer) at(hpa.tree(), "spec", "minReplicas")).isEqualTo(at(deployment().tree(), "spec", "replicas"));

    Manifests.Doc api = k8s.named("Service", "echotag");
    Manifests.Doc monitor = k8s.one("ServiceMonitor");
    assertThat(selects(at(monitor.tree(), "spec", "selector", "matchLabels"), at(api.tree(), "metadata", "labels")))
        .isTrue();
    Set<String> servicePorts = list(at(api.tree(), "spec", "ports")).stream().map(p -> str(p, "name"))
        .collect(Collectors.toSet());
    assertThat(list(at(monitor.tree(), "spec", "endpoints"))).allSatisfy(e -> {
      assertThat(servicePorts).contains(str(e, "port"));
      assertThat(Routes.of(gateway)).contains("GET " + str(e, "path"));
    });
  }

  @Test
  @DisplayName("cluster discovery uses a headless Service on Hazelcast's port that lists not-ready pods")
  void headlessDiscovery() {
    Manifests.Doc headless = k8s.ofKind("Service").stream()
        .filter(s -> "None".equals(str(s.tree(), "spec", "clusterIP"))).findFirst().orElseThrow();
    assertThat(at(headless.tree(), "spec", "publishNotReadyAddresses")).isEqualTo(true);
    assertThat(list(at(headless.tree(), "spec", "ports"))).extracting(p -> at(p, "port")).containsExactly(5701);
    assertThat(envOfDeployment().get("ECHOTAG_CLUSTER_KUBERNETES_SERVICE_DNS"))
        .startsWith(headless.name() + ".").endsWith(".svc.cluster.local");
  }

  /** What the pod's environment holds: the ConfigMap's entries, then the container's own env. */
  private static Map<String, String> podEnv() {
    Map<String, String> env = new HashMap<>();
    map(at(k8s.one("ConfigMap").tree(), "data")).forEach((k, v) -> env.put(k, v.toString()));
    env.putAll(envOfDeployment());
    return env;
  }

  private static Manifests.Doc deployment() {
    return k8s.one("Deployment");
  }

  private static Map<String, Object> container() {
    List<Object> containers = list(at(deployment().tree(), "spec", "template", "spec", "containers"));
    assertThat(containers).hasSize(1);
    return map(containers.get(0));
  }

  private static Map<String, Integer> containerPorts() {
    Map<String, Integer> ports = new HashMap<>();
    list(at(container(), "ports")).forEach(p -> ports.put(str(p, "name"), (Integer) at(p, "containerPort")));
    return ports;
  }

  private static String volumeMountOf(String volume) {
    return list(at(container(), "volumeMounts")).stream().filter(m -> volume.equals(str(m, "name")))
        .map(m -> str(m, "mountPath")).findFirst().orElseThrow();
  }

  /**
   * The container's environment as the pod would see it: literal values as written, example
   * Secret references resolved from the example, and the CloudNativePG uri as the operator shapes it.
   */
  private static Map<String, String> envOfDeployment() {
    Manifests.Doc example = k8s.one("Secret");
    Manifests.Doc db = k8s.one("Cluster");
    String cnpgUri = "postgresql://" + str(db.tree(), "spec", "bootstrap", "initdb", "owner") + ":generated@"
        + db.name() + "-rw." + k8s.one("Namespace").name() + ":5432/"
        + str(db.tree(), "spec", "bootstrap", "initdb", "database");
    Map<String, String> env = new HashMap<>();
    for (Object entry : list(at(container(), "env"))) {
      Object ref = at(entry, "valueFrom", "secretKeyRef");
      String value = str(entry, "value");
      if (ref != null) {
        value = str(ref, "name").equals(example.name()) ? str(example.tree(), "stringData", str(ref, "key")) : cnpgUri;
      }
      env.put(str(entry, "name"), value == null ? "" : value);
    }
    return env;
  }
}

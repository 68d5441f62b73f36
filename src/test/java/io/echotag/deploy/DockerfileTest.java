package io.echotag.deploy;

import io.echotag.config.ConfigLoader;
import io.echotag.testing.ConfigNames;
import io.echotag.testing.Routes;
import io.echotag.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPathFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The Dockerfile's facts against the code: no Docker engine runs here, so the image is checked, not built. */
class DockerfileTest {
  private static final Path ROOT = Path.of("").toAbsolutePath();
  private static DockerfileFacts docker;
  private static TestGateway gateway;

  @BeforeAll
  static void read() throws Exception {
    docker = DockerfileFacts.read(ROOT.resolve("Dockerfile"));
    gateway = TestGateway.start();
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  @Test
  @DisplayName("the image builds with Maven 3.9 / JDK 17, caches dependencies from the pom alone, and runs on a JRE 17")
  void multiStage() {
    List<String> froms = docker.all("FROM").stream().map(DockerfileFacts.Instruction::args).toList();
    assertThat(froms).containsExactly("maven:3.9-eclipse-temurin-17 AS build", "eclipse-temurin:17-jre");
    List<String> buildSteps = docker.instructions()
        .subList(0, docker.instructions().size() - docker.runtimeStage().size())
        .stream().map(i -> i.keyword() + " " + i.args()).toList();
    int pomCopy = buildSteps.indexOf("COPY pom.xml .");
    int goOffline = indexOfContaining(buildSteps, "dependency:go-offline");
    int srcCopy = buildSteps.indexOf("COPY src src");
    assertThat(pomCopy).as("pom copied alone").isGreaterThan(0);
    assertThat(goOffline).as("dependencies resolved before the sources arrive").isBetween(pomCopy, srcCopy);
    // The pom bundles conf/echotag.json into the jar from the project root, so the build needs conf/.
    assertThat(buildSteps).contains("COPY conf conf");
  }

  @Test
  @DisplayName("EXPOSE and the port the image sets equal the default http.port")
  void exposedPort() {
    int port = ConfigLoader.load(Map.of(), null).http().port();
    assertThat(docker.runtime("EXPOSE")).isEqualTo(Integer.toString(port));
    assertThat(env()).containsEntry("ECHOTAG_HTTP_PORT", Integer.toString(port));
  }

  @Test
  @DisplayName("HEALTHCHECK asks the configured port for /health/ready, a route that answers 200 without an API key")
  void healthcheck() {
    String check = docker.runtime("HEALTHCHECK");
    Matcher url = Pattern.compile("http://127\\.0\\.0\\.1:\\$\\{ECHOTAG_HTTP_PORT}(/[^\"\\s]*)").matcher(check);
    assertThat(url.find()).as("a URL on ${ECHOTAG_HTTP_PORT} in " + check).isTrue();
    assertThat(env().get("ECHOTAG_HTTP_PORT")).isEqualTo(docker.runtime("EXPOSE"));
    String path = url.group(1);
    assertThat(path).isEqualTo("/health/ready");
    assertThat(Routes.of(gateway)).contains("GET " + path);
    assertThat(gateway.api().withKey(null).get(path).status()).isEqualTo(200);
    // curl is installed in the runtime stage, since the JRE base image does not promise it.
    assertThat(check).contains("CMD curl -f");
    assertThat(docker.runtimeStage()).anyMatch(i -> i.keyword().equals("RUN") && i.args().contains("install")
        && i.args().contains("curl"));
  }

  @Test
  @DisplayName("the gateway runs as a non-root user")
  void nonRoot() {
    String user = docker.runtime("USER").split(":")[0];
    assertThat(user).isNotIn("root", "0", "");
  }

  @Test
  @DisplayName("the jar copied and started is the one the pom's shade plugin builds")
  void jarPath() throws Exception {
    Document pom = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(ROOT.resolve("pom.xml").toFile());
    String finalName = XPathFactory.newInstance().newXPath()
        .evaluate("//plugin[artifactId='maven-shade-plugin']//configuration/finalName", pom).trim();
    assertThat(finalName).isNotEmpty();
    String copy = docker.runtimeStage().stream()
        .filter(i -> i.keyword().equals("COPY") && i.args().startsWith("--from=build"))
        .map(DockerfileFacts.Instruction::args).findFirst().orElseThrow();
    String[] parts = copy.split("\\s+");
    assertThat(parts[1]).isEqualTo("/src/target/" + finalName + ".jar");
    assertThat(docker.runtime("ENTRYPOINT")).contains("\"-jar\", \"" + parts[2] + "\"");
  }

  @Test
  @DisplayName("the heap follows the container's memory and an OutOfMemoryError ends the process")
  void jvmSizing() {
    assertThat(env().get("JAVA_TOOL_OPTIONS")).contains("-XX:MaxRAMPercentage=75", "-XX:+ExitOnOutOfMemoryError");
  }

  @Test
  @DisplayName("every ECHOTAG_* variable the image sets is a configuration key, and the data dir is the image's writable one")
  void envNames() {
    Map<String, String> env = env();
    assertThat(env.keySet().stream().filter(n -> n.startsWith("ECHOTAG_")))
        .isNotEmpty().allMatch(ConfigNames.envNames()::contains);
    assertThat(docker.runtime("VOLUME")).contains(env.get("ECHOTAG_DATA_DIR"));
    assertThat(docker.runtimeStage()).anyMatch(i -> i.keyword().equals("RUN")
        && i.args().contains("chown echotag:echotag " + env.get("ECHOTAG_DATA_DIR")));
  }

  @Test
  @DisplayName(".dockerignore keeps build output and data out of the context but not what the build copies")
  void dockerignore() throws Exception {
    List<String> ignored = Files.readAllLines(ROOT.resolve(".dockerignore")).stream()
        .map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
    assertThat(ignored).contains("target", "data", ".git");
    assertThat(ignored).doesNotContain("pom.xml", "src", "conf", "conf/echotag.json");
  }

  /** The runtime stage's ENV entries ({@code KEY=value} pairs, quotes removed). */
  private static Map<String, String> env() {
    Map<String, String> env = new TreeMap<>();
    Matcher m = Pattern.compile("([A-Z_][A-Z0-9_]*)=(\"[^\"]*\"|\\S+)").matcher(docker.runtime("ENV"));
    while (m.find()) {
      env.put(m.group(1), m.group(2).replace("\"", ""));
    }
    return env;
  }

  private static int indexOfContaining(List<String> steps, String text) {
    for (int i = 0; i < steps.size(); i++) {
      if (steps.get(i).contains(text)) {
        return i;
      }
    }
    return -1;
  }
}

package io.echotag.deploy;

import org.yaml.snakeyaml.Yaml;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The Kubernetes documents of {@code k8s/}, parsed with SnakeYAML, and small accessors for their trees. */
record Manifests(List<Doc> docs) {

  /** One YAML document and the file it came from. */
  record Doc(Path file, Map<String, Object> tree) {
    String kind() {
      return (String) tree.get("kind");
    }

    String apiVersion() {
      return (String) tree.get("apiVersion");
    }

    String name() {
      return str(tree, "metadata", "name");
    }
  }

  static Manifests read(Path dir) throws IOException {
    List<Doc> docs = new ArrayList<>();
    try (var files = Files.list(dir)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
        try (Reader in = Files.newBufferedReader(file)) {
          for (Object doc : new Yaml().loadAll(in)) {
            if (doc != null) {
              docs.add(new Doc(file, map(doc)));
            }
          }
        }
      }
    }
    return new Manifests(docs);
  }

  List<Doc> ofKind(String kind) {
    return docs.stream().filter(d -> kind.equals(d.kind())).toList();
  }

  Doc one(String kind) {
    List<Doc> found = ofKind(kind);
    if (found.size() != 1) {
      throw new AssertionError("expected one " + kind + ", found " + found.size());
    }
    return found.get(0);
  }

  Doc named(String kind, String name) {
    return ofKind(kind).stream().filter(d -> name.equals(d.name())).findFirst()
        .orElseThrow(() -> new AssertionError("no " + kind + " named " + name));
  }

  /** The value at {@code path} (map keys), or null when a step is missing. */
  static Object at(Object node, String... path) {
    Object current = node;
    for (String key : path) {
      if (!(current instanceof Map<?, ?> m)) {
        return null;
      }
      current = m.get(key);
    }
    return current;
  }

  static String str(Object node, String... path) {
    Object value = at(node, path);
    return value == null ? null : value.toString();
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Object node) {
    return node == null ? Map.of() : (Map<String, Object>) node;
  }

  @SuppressWarnings("unchecked")
  static List<Object> list(Object node) {
    return node == null ? List.of() : (List<Object>) node;
  }

  /** A label selector selects {@code labels}: it is not empty and every entry is among them. */
  static boolean selects(Object selector, Object labels) {
    Map<String, Object> wanted = map(selector);
    return !wanted.isEmpty() && map(labels).entrySet().containsAll(wanted.entrySet());
  }
}

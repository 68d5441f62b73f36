package io.echotag.testing;

import io.echotag.config.ConfigLoader;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The {@code ECHOTAG_*} environment variables the gateway reads, derived from the code, never listed by hand. */
public final class ConfigNames {
  private ConfigNames() {
  }

  /**
   * One variable per configuration key ({@link ConfigLoader#envName}), plus {@code ECHOTAG_CONFIG}
   * (the file ConfigLoader reads) and the variables logback.xml substitutes ({@code ECHOTAG_LOG_LEVEL}).
   */
  public static Set<String> envNames() {
    Set<String> names = new TreeSet<>();
    for (String path : ConfigLoader.keyPaths()) {
      names.add(ConfigLoader.envName(path));
    }
    names.add("ECHOTAG_CONFIG");
    Matcher m = Pattern.compile("\\$\\{(ECHOTAG_[A-Z0-9_]+)").matcher(resource("/logback.xml"));
    while (m.find()) {
      names.add(m.group(1));
    }
    return names;
  }

  private static String resource(String name) {
    try (InputStream in = ConfigNames.class.getResourceAsStream(name)) {
      return in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + name, e);
    }
  }
}

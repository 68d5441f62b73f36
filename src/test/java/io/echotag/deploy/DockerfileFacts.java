package io.echotag.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The instructions of a Dockerfile, continuation lines joined and comments dropped. No Docker needed. */
record DockerfileFacts(List<Instruction> instructions) {

  /** One instruction: {@code keyword} upper-cased, {@code args} as written. */
  record Instruction(String keyword, String args) {
  }

  static DockerfileFacts read(Path file) throws IOException {
    List<Instruction> out = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String line : Files.readAllLines(file)) {
      String trimmed = line.strip();
      if (trimmed.startsWith("#") || (trimmed.isEmpty() && current.isEmpty())) {
        continue;
      }
      boolean continues = trimmed.endsWith("\\");
      current.append(continues ? trimmed.substring(0, trimmed.length() - 1) : trimmed).append(' ');
      if (!continues) {
        String text = current.toString().strip();
        current.setLength(0);
        String[] parts = text.split("\\s+", 2);
        out.add(new Instruction(parts[0].toUpperCase(Locale.ROOT), parts.length > 1 ? parts[1] : ""));
      }
    }
    return new DockerfileFacts(out);
  }

  List<Instruction> all(String keyword) {
    return instructions.stream().filter(i -> i.keyword.equals(keyword)).toList();
  }

  /** The instructions of the last stage (the image that runs). */
  List<Instruction> runtimeStage() {
    int lastFrom = 0;
    for (int i = 0; i < instructions.size(); i++) {
      if (instructions.get(i).keyword.equals("FROM")) {
        lastFrom = i;
      }
    }
    return instructions.subList(lastFrom, instructions.size());
  }

  /** The single instruction {@code keyword} of the runtime stage; fails when there is none or several. */
  String runtime(String keyword) {
    List<String> found = runtimeStage().stream().filter(i -> i.keyword.equals(keyword)).map(Instruction::args)
        .toList();
    if (found.size() != 1) {
      throw new AssertionError("expected one " + keyword + " in the runtime stage, found " + found);
    }
    return found.get(0);
  }
}

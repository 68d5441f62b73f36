package io.echotag.db;

import io.echotag.testing.TestGateway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The writeback pacer syncs the table files that grew since its last look, and no others. */
class WritebackPacerTest {

  @Test
  void syncsOnlyTheFilesThatGrew(@TempDir Path dir) throws Exception {
    Path database = Files.createDirectories(dir.resolve("base").resolve("5"));
    Path growing = write(database.resolve("16457"), 8192);
    Path idle = write(database.resolve("16463"), 8192);
    List<Path> synced = new ArrayList<>();
    WritebackPacer pacer = new WritebackPacer(dir, synced::add);

    pacer.tick();
    assertThat(synced).as("first look: sizes remembered, nothing synced").isEmpty();

    append(growing, 8192);
    Path created = write(database.resolve("16600"), 8192);
    pacer.tick();
    assertThat(synced).as("the file that grew").containsExactly(growing);

    synced.clear();
    append(created, 8192);
    Files.writeString(idle, "rewritten in place, not grown", StandardOpenOption.WRITE);
    pacer.tick();
    assertThat(synced).as("a file first seen last time, then grown; not the one rewritten in place")
        .containsExactly(created);

    Files.delete(growing);
    synced.clear();
    pacer.tick();
    assertThat(synced).as("a dropped file is forgotten without an error").isEmpty();
    assertThat(pacer.syncs()).isEqualTo(2);
  }

  @Test
  void aMissingDataDirectoryIsNoError(@TempDir Path dir) throws Exception {
    List<Path> synced = new ArrayList<>();
    new WritebackPacer(dir.resolve("not-yet"), synced::add).tick();
    assertThat(synced).isEmpty();
  }

  @Test
  void startedPacerSyncsWithFdatasync(@TempDir Path dir) throws Exception {
    Path file = write(Files.createDirectories(dir.resolve("base").resolve("1")).resolve("1259"), 8192);
    try (WritebackPacer pacer = WritebackPacer.start(dir, 20)) {
      // Grows the file at every poll, so that some look after the pacer's first one sees it grown.
      TestGateway.await("a file synced by the running pacer", 10_000, () -> {
        append(file, 8192);
        return pacer.syncs() > 0;
      });
    }
  }

  private static Path write(Path file, int bytes) throws Exception {
    return Files.write(file, new byte[bytes]);
  }

  private static void append(Path file, int bytes) {
    try {
      Files.write(file, new byte[bytes], StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

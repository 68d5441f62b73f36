package io.echotag;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Gateway event loops")
class GatewayEventLoopsTest {

  @Test
  @DisplayName("http.instances, when set, is the count whatever the cores and the database")
  void configuredCountWins() {
    assertThat(Gateway.eventLoops(3, 8, true)).isEqualTo(3);
    assertThat(Gateway.eventLoops(3, 8, false)).isEqualTo(3);
    assertThat(Gateway.eventLoops(6, 2, true)).isEqualTo(6);
  }

  @Test
  @DisplayName("0 with an external database: one per core")
  void onePerCoreWithExternalDatabase() {
    assertThat(Gateway.eventLoops(0, 1, false)).isEqualTo(1);
    assertThat(Gateway.eventLoops(0, 2, false)).isEqualTo(2);
    assertThat(Gateway.eventLoops(0, 8, false)).isEqualTo(8);
  }

  @Test
  @DisplayName("0 with the embedded database: half the cores, rounded up, never none")
  void halfTheCoresBesideTheEmbeddedDatabase() {
    assertThat(Gateway.eventLoops(0, 1, true)).isEqualTo(1);
    assertThat(Gateway.eventLoops(0, 2, true)).isEqualTo(1);
    assertThat(Gateway.eventLoops(0, 3, true)).isEqualTo(2);
    assertThat(Gateway.eventLoops(0, 8, true)).isEqualTo(4);
  }
}

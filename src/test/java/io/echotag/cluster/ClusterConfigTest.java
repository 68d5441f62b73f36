package io.echotag.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import io.echotag.config.ConfigException;
import io.echotag.config.ConfigLoader;
import io.echotag.config.EchoTagConfig;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** cluster.* and role switches as read from the environment, and the Hazelcast configuration built from them. */
class ClusterConfigTest {
  @Test
  @DisplayName("by default cluster mode is off and every role is on")
  void defaults() {
    EchoTagConfig config = ConfigLoader.load(Map.of(), null);
    assertThat(config.cluster().enabled()).isFalse();
    assertThat(config.cluster().port()).isEqualTo(5701);
    assertThat(config.cluster().name()).isEqualTo("echotag");
    assertThat(config.cluster().members()).isEmpty();
    assertThat(config.roles()).isEqualTo(new EchoTagConfig.Roles(true, true, true, true));
  }

  @Test
  @DisplayName("ECHOTAG_CLUSTER_MEMBERS takes a comma-separated list (or a JSON array) and builds a TCP/IP join without multicast")
  void tcpIpMembers() {
    EchoTagConfig.Cluster cluster = ConfigLoader.load(Map.of(
        "ECHOTAG_CLUSTER_ENABLED", "true",
        "ECHOTAG_CLUSTER_HOST", "127.0.0.1",
        "ECHOTAG_CLUSTER_PORT", "5801",
        "ECHOTAG_CLUSTER_MEMBERS", "127.0.0.1:5801, 127.0.0.1:5802"), null).cluster();
    assertThat(cluster.members()).containsExactly("127.0.0.1:5801", "127.0.0.1:5802");
    assertThat(ConfigLoader.load(Map.of("ECHOTAG_CLUSTER_MEMBERS", "[\"a:1\",\"b:2\"]"), null).cluster().members())
        .containsExactly("a:1", "b:2");

    Config hazelcast = HazelcastSetup.config(cluster);
    JoinConfig join = hazelcast.getNetworkConfig().getJoin();
    assertThat(join.getMulticastConfig().isEnabled()).as("multicast").isFalse();
    assertThat(join.getKubernetesConfig().isEnabled()).as("kubernetes").isFalse();
    assertThat(join.getTcpIpConfig().isEnabled()).as("tcp-ip").isTrue();
    assertThat(join.getTcpIpConfig().getMembers()).containsExactly("127.0.0.1:5801", "127.0.0.1:5802");
    assertThat(hazelcast.getNetworkConfig().getPort()).isEqualTo(5801);
    assertThat(hazelcast.getClusterName()).isEqualTo("echotag");
    assertThat(hazelcast.getProperty("hazelcast.logging.type")).isEqualTo("slf4j");
    assertThat(hazelcast.getProperty("hazelcast.graceful.shutdown.max.wait")).isEqualTo("15");
    assertThat(hazelcast.getProperty("hazelcast.local.localAddress")).isEqualTo("127.0.0.1");
    assertThat(hazelcast.getMultiMapConfig("__vertx.subs").getBackupCount()).as("Vert.x's own map settings kept")
        .isEqualTo(1);
  }

  @Test
  @DisplayName("ECHOTAG_CLUSTER_KUBERNETES_SERVICE_DNS switches to Kubernetes DNS discovery on the cluster port")
  void kubernetesDns() {
    EchoTagConfig.Cluster cluster = ConfigLoader.load(Map.of(
        "ECHOTAG_CLUSTER_ENABLED", "true",
        "ECHOTAG_CLUSTER_KUBERNETES_SERVICE_DNS", "echotag-cluster.echotag.svc.cluster.local"), null).cluster();
    JoinConfig join = HazelcastSetup.config(cluster).getNetworkConfig().getJoin();
    assertThat(join.getTcpIpConfig().isEnabled()).as("tcp-ip").isFalse();
    assertThat(join.getMulticastConfig().isEnabled()).as("multicast").isFalse();
    assertThat(join.getKubernetesConfig().isEnabled()).as("kubernetes").isTrue();
    assertThat(join.getKubernetesConfig().getProperty("service-dns"))
        .isEqualTo("echotag-cluster.echotag.svc.cluster.local");
    assertThat(join.getKubernetesConfig().getProperty("service-port")).isEqualTo("5701");
  }

  @Test
  @DisplayName("cluster mode without any discovery, with both, or with a malformed member stops start-up naming the key")
  void invalidClusters() {
    assertThatThrownBy(() -> ConfigLoader.load(Map.of("ECHOTAG_CLUSTER_ENABLED", "true"), null))
        .isInstanceOf(ConfigException.class).hasMessageContaining("cluster.members")
        .hasMessageContaining("ECHOTAG_CLUSTER_KUBERNETES_SERVICE_DNS");
    assertThatThrownBy(() -> ConfigLoader.load(Map.of("ECHOTAG_CLUSTER_ENABLED", "true",
        "ECHOTAG_CLUSTER_MEMBERS", "a:5701", "ECHOTAG_CLUSTER_KUBERNETES_SERVICE_DNS", "svc"), null))
        .isInstanceOf(ConfigException.class).hasMessageContaining("not both");
    assertThatThrownBy(() -> ConfigLoader.load(Map.of("ECHOTAG_CLUSTER_MEMBERS", "a:5701/x"), null))
        .isInstanceOf(ConfigException.class).hasMessageContaining("host or host:port");
    for (String bad : List.of("", "with space")) {
      assertThatThrownBy(() -> ConfigLoader.load(Map.of("ECHOTAG_CLUSTER_NAME", bad), null))
          .as("name '%s'", bad).isInstanceOf(ConfigException.class).hasMessageContaining("cluster.name");
    }
  }

  @Test
  @DisplayName("role switches read ECHOTAG_API_ENABLED, ECHOTAG_TRIGGERS_ENABLED, ECHOTAG_DELIVERY_ENABLED, ECHOTAG_REALTIME_ENABLED")
  void roleSwitches() {
    EchoTagConfig config = ConfigLoader.load(Map.of("ECHOTAG_API_ENABLED", "false",
        "ECHOTAG_TRIGGERS_ENABLED", "false", "ECHOTAG_DELIVERY_ENABLED", "true",
        "ECHOTAG_REALTIME_ENABLED", "false"), null);
    assertThat(config.roles()).isEqualTo(new EchoTagConfig.Roles(false, false, true, false));
  }
}

package io.echotag.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import io.echotag.config.EchoTagConfig;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;

/**
 * The Hazelcast member configuration of one node, built in code from {@code cluster.*}: no XML
 * to keep in sync, no multicast (it finds strangers on a shared network and is off in most
 * clouds), and one discovery at a time — a static TCP/IP member list, or the Kubernetes DNS
 * lookup of a headless service. Starts from Vert.x's defaults so the maps Vert.x needs keep
 * their backup settings.
 */
public final class HazelcastSetup {
  /**
   * With a static member list Hazelcast connects to each listed address directly, so a node that
   * finds nobody within this long may form the cluster alone (its default is 5 s). Kubernetes DNS
   * discovery keeps the default: pods start together and only appear in DNS when published.
   */
  static final int TCP_IP_WAIT_SECONDS_BEFORE_JOIN = 1;

  /** How long a stopping node waits to hand its Hazelcast partitions over (Hazelcast's default: 600 s). */
  static final int GRACEFUL_SHUTDOWN_MAX_WAIT_SECONDS = 15;

  private HazelcastSetup() {
  }

  public static Config config(EchoTagConfig.Cluster cluster) {
    Config config = ConfigUtil.loadConfig();
    config.setClusterName(cluster.name());
    // Logs through SLF4J (quieted in logback.xml); no phone-home; Vert.x leaves the cluster when
    // the gateway stops, so Hazelcast's own shutdown hook must not tear the member down first.
    config.setProperty("hazelcast.logging.type", "slf4j");
    config.setProperty("hazelcast.phone.home.enabled", "false");
    config.setProperty("hazelcast.shutdownhook.enabled", "false");
    // A leaving member hands its partitions over first, for up to 600 s by default. The gateway
    // keeps nothing there that outlives it (PostgreSQL holds all state), and a hand-over to a
    // member that is itself gone kept a stopping node waiting: bound the wait.
    config.setProperty("hazelcast.graceful.shutdown.max.wait", Integer.toString(GRACEFUL_SHUTDOWN_MAX_WAIT_SECONDS));
    config.getJetConfig().setEnabled(false);
    config.getMetricsConfig().setEnabled(false);

    NetworkConfig network = config.getNetworkConfig();
    // Auto-increment lets two nodes with the same configuration share one machine (5701, 5702).
    network.setPort(cluster.port()).setPortAutoIncrement(true);
    if (!cluster.host().isEmpty()) {
      config.setProperty("hazelcast.local.localAddress", cluster.host());
      network.setPublicAddress(cluster.host());
    }
    JoinConfig join = network.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    if (!cluster.kubernetesServiceDns().isEmpty()) {
      join.getTcpIpConfig().setEnabled(false);
      join.getKubernetesConfig().setEnabled(true)
          .setProperty("service-dns", cluster.kubernetesServiceDns())
          .setProperty("service-port", Integer.toString(cluster.port()));
    } else {
      join.getKubernetesConfig().setEnabled(false);
      join.getTcpIpConfig().setEnabled(true).setMembers(cluster.members());
      config.setProperty("hazelcast.wait.seconds.before.join", Integer.toString(TCP_IP_WAIT_SECONDS_BEFORE_JOIN));
    }
    return config;
  }
}

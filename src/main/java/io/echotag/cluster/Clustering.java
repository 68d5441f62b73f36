package io.echotag.cluster;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import io.echotag.config.EchoTagConfig;
import io.echotag.metrics.Meters;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds this node's Vert.x: plain, or clustered over Hazelcast when {@code cluster.enabled}.
 * Clustered, the event bus listens on {@code cluster.host}:{@code cluster.bus_port} for the
 * messages other nodes send (Hazelcast only keeps the membership and the bus registrations).
 */
public final class Clustering {
  private static final Logger LOG = LoggerFactory.getLogger(Clustering.class);

  private Clustering() {
  }

  /** A plain Vert.x, or a future that completes once this node has joined the cluster. */
  public static Future<Vertx> vertx(VertxBuilder builder, VertxOptions options, EchoTagConfig.Cluster cluster,
                                    MeterRegistry registry) {
    if (!cluster.enabled()) {
      return Future.succeededFuture(builder.with(options).build());
    }
    options.getEventBusOptions().setPort(cluster.busPort());
    if (!cluster.host().isEmpty()) {
      options.getEventBusOptions().setHost(cluster.host()).setClusterPublicHost(cluster.host());
    }
    // Hazelcast picks its logger once per JVM, partly before it reads the Config: say it here too.
    System.getProperties().putIfAbsent("hazelcast.logging.type", "slf4j");
    HazelcastClusterManager manager = new HazelcastClusterManager(HazelcastSetup.config(cluster));
    return builder.with(options).withClusterManager(manager).buildClustered()
        .onSuccess(vertx -> {
          LOG.info("Joined cluster '{}' as {} ({} member(s), discovery: {})", cluster.name(),
              manager.getNodeId(), manager.getNodes().size(), cluster.kubernetesServiceDns().isEmpty()
                  ? "members " + String.join(",", cluster.members())
                  : "kubernetes dns " + cluster.kubernetesServiceDns());
          manager.getHazelcastInstance().getCluster().addMembershipListener(new MembershipLog());
          Gauge.builder(Meters.CLUSTER_MEMBERS, manager, m -> m.isActive() ? m.getNodes().size() : 0)
              .description("Members this node sees in its cluster, itself included").register(registry);
        });
  }

  /** One line per member that joins or leaves (Hazelcast's own multi-line reports are quieted). */
  private static final class MembershipLog implements MembershipListener {
    @Override
    public void memberAdded(MembershipEvent event) {
      LOG.info("Cluster member joined: {} ({} member(s))", event.getMember().getAddress(), event.getMembers().size());
    }

    @Override
    public void memberRemoved(MembershipEvent event) {
      LOG.info("Cluster member left: {} ({} member(s))", event.getMember().getAddress(), event.getMembers().size());
    }
  }
}

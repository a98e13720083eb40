package io.edgeai.sync.cloud;

import io.edgeai.sync.Settings;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.apache.camel.CamelContext;
import org.apache.camel.cluster.CamelClusterEventListener;
import org.apache.camel.component.kubernetes.KubernetesConfiguration;
import org.apache.camel.component.kubernetes.cluster.KubernetesClusterService;
import org.apache.camel.component.kubernetes.cluster.LeaseResourceType;
import org.apache.camel.impl.cluster.ClusteredRoutePolicy;
import org.apache.camel.spi.RoutePolicy;
import org.apache.camel.support.RoutePolicySupport;

/**
 * Which cloud replica does the work: the routes that consume or write (routes/cloud, marked
 * {@code routePolicy: leaderOnly}) run only in the replica that holds a Kubernetes Lease, through
 * Camel's {@link KubernetesClusterService}; the others wait. The cluster service counts as members
 * the running, ready pods of the lease's namespace labelled {@value #POD_LABEL}={@value #POD_LABEL_VALUE};
 * only a member may lead, and a leader stays valid while its pod is a member, so another replica
 * takes over when the leader's pod is gone or not ready, and the lease has run out. Timing as
 * client-go's leader election: a lease of 15 s, renewed within 10 s, tried every 2 s
 * ({@code edgeai.cloud.lease-*}). On by default where the process runs in a pod.
 */
final class Leadership {
    static final String POLICY = "leaderOnly";
    /** The cluster view (and the Lease's name suffix) the cloud replicas share. */
    static final String GROUP = "edgeai-sync-cloud";
    static final String POD_LABEL = "app.kubernetes.io/name";
    static final String POD_LABEL_VALUE = "edgeai-sync-cloud";

    private Leadership() {
    }

    /**
     * Binds {@value #POLICY}: leader election (by default in a pod), or, with
     * {@code edgeai.cloud.leader-election=false}, a policy that lets every route run.
     *
     * @return whether this replica leads now: work queued before it lost the lease (statuses to
     *         write, desired state to publish) is dropped rather than written from a cache that may be
     *         stale; the new leader does it again from its own
     */
    static BooleanSupplier bind(CamelContext context, Settings settings, KubernetesClient client, String instance,
                                RetainedSnapshot retained, Presence presence) throws Exception {
        RoutePolicy policy;
        BooleanSupplier leading;
        if (settings.bool("edgeai.cloud.leader-election", System.getenv("KUBERNETES_SERVICE_HOST") != null)) {
            KubernetesConfiguration api = new KubernetesConfiguration();
            api.setKubernetesClient(client); // the cloud's own client: the same API server and credentials
            KubernetesClusterService cluster = new KubernetesClusterService(context, api);
            cluster.setId("edgeai-cloud-leadership");
            cluster.setLeaseResourceType(LeaseResourceType.Lease);
            // the Lease and the member pods: in the cloud's own namespace
            cluster.setKubernetesResourcesNamespace(settings.get("edgeai.cloud.lease-namespace",
                client.getNamespace() != null ? client.getNamespace() : "default"));
            cluster.setKubernetesResourceName(settings.get("edgeai.cloud.lease-name", "edgeai-sync"));
            cluster.setPodName(instance);
            cluster.setClusterLabels(Map.of(POD_LABEL, POD_LABEL_VALUE));
            int leaseMillis = settings.integer("edgeai.cloud.lease-duration-ms", 15_000);
            cluster.setLeaseDurationMillis(leaseMillis);
            cluster.setRenewDeadlineMillis(settings.integer("edgeai.cloud.lease-renew-deadline-ms", 10_000));
            cluster.setRetryPeriodMillis(settings.integer("edgeai.cloud.lease-retry-period-ms", 2_000));
            context.addService(cluster);
            // heard before the policy starts the leader's routes (listeners in the order they were added)
            Duration fresh = Duration.ofMillis(2L * leaseMillis);
            cluster.getView(GROUP).addEventListener((CamelClusterEventListener.Leadership) (view, leader) -> {
                if (leader != null && leader.isLocal()) {
                    retained.refreshIfOlderThan(fresh);
                    presence.listenAgain();
                }
            });
            ClusteredRoutePolicy clustered = ClusteredRoutePolicy.forNamespace(cluster, GROUP);
            policy = clustered;
            leading = clustered::isLeader;
        } else {
            policy = new RoutePolicySupport() {
            };
            leading = () -> true;
        }
        context.getRegistry().bind(POLICY, policy);
        return leading;
    }
}

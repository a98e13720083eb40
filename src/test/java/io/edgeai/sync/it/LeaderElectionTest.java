package io.edgeai.sync.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.edgeai.sync.SyncApp;
import io.edgeai.sync.local.EmbeddedBroker;
import io.edgeai.sync.local.LocalKubernetesApi;
import io.edgeai.sync.mqtt.Json;
import io.edgeai.sync.mqtt.Messages.DatasetReport;
import io.edgeai.sync.mqtt.Messages.Readiness;
import io.edgeai.sync.mqtt.Topics;
import io.edgeai.sync.resources.Dataset;
import io.edgeai.sync.resources.DatasetSpec;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckHelper;
import org.apache.camel.main.Main;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;

/**
 * Two cloud replicas on one API server and one broker: one leads, the other takes over when it stops,
 * the report made while nobody led lands, and each status is written once, by the replica leading
 * then (the status PATCH requests are counted per replica, at each replica's HTTP client); and every
 * request they made is one deploy/rbac.yaml grants.
 */
class LeaderElectionTest {
    private static final Topics TOPICS = new Topics("edgeai");

    /** Status PATCH requests for the shared dataset, by the replica that sent them. */
    private static final java.util.Map<String, java.util.concurrent.atomic.AtomicInteger> STATUS_WRITES = new java.util.concurrent.ConcurrentHashMap<>();

    /** Every request the replicas made, as the API server's authorizer sees it ({@link RbacRules#attributes}). */
    private static final java.util.Set<String> CALLS = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private static int statusWrites(String replica) {
        return STATUS_WRITES.computeIfAbsent(replica, r -> new java.util.concurrent.atomic.AtomicInteger()).get();
    }

    private static Main cloud(EmbeddedBroker broker, LocalKubernetesApi api, String instance) throws Exception {
        Properties props = new Properties();
        props.setProperty("camel.management.port", "0"); // health and metrics on any free port: many processes share this JVM
        props.setProperty("edgeai.mqtt.url", broker.url());
        props.setProperty("edgeai.cloud.instance", instance);
        props.setProperty("edgeai.cloud.leader-election", "true");
        props.setProperty("edgeai.cloud.lease-namespace", "default");
        props.setProperty("edgeai.cloud.lease-duration-ms", "3000");
        props.setProperty("edgeai.cloud.lease-renew-deadline-ms", "2000");
        props.setProperty("edgeai.cloud.lease-retry-period-ms", "300");
        // a client of its own, as each replica has: stopping a replica closes its client
        KubernetesClient client = new KubernetesClientBuilder().withConfig(new ConfigBuilder().withMasterUrl(api.url()).withNamespace("default")
            .build()).withHttpClientBuilderConsumer(http -> http.addOrReplaceInterceptor("count-status-writes",
                new io.fabric8.kubernetes.client.http.Interceptor() {
                    @Override
                    public void before(io.fabric8.kubernetes.client.http.BasicBuilder builder, io.fabric8.kubernetes.client.http.HttpRequest request,
                                       RequestTags tags) {
                        CALLS.add(RbacRules.attributes(request.method(), request.uri()));
                        if ("PATCH".equals(request.method()) && request.uri().getPath().endsWith("/datasets/shared/status")) {
                            STATUS_WRITES.computeIfAbsent(instance, r -> new java.util.concurrent.atomic.AtomicInteger()).incrementAndGet();
                        }
                    }
                })).build();
        Main cloud = SyncApp.create(SyncApp.CLOUD, props, client);
        cloud.start();
        return cloud;
    }

    private static java.util.Collection<HealthCheck.Result> readiness(Main cloud) {
        return HealthCheckHelper.invokeReadiness(cloud.getCamelContext());
    }

    private static boolean leads(Main cloud) {
        return cloud.getCamelContext().getRouteController().getRouteStatus("status-upstream").isStarted();
    }

    private static void report(MqttClient edge, Dataset dataset, long samples) throws Exception {
        MqttMessage message = new MqttMessage(Json.bytes(new DatasetReport("default", "shared", dataset.getMetadata().getUid(), 1, samples,
            Instant.now().toString(), new Readiness(true, "Counted", "counted"))));
        message.setQos(1);
        message.setRetained(true);
        edge.publish(TOPICS.datasetStatus("edge0", "default", "shared"), message);
    }

    private static Long samples(KubernetesClient kube) {
        Dataset now = kube.resources(Dataset.class).inNamespace("default").withName("shared").get();
        return now.getStatus() == null ? null : now.getStatus().getNumberOfSamples();
    }

    @Test
    void oneReplicaLeadsAndTheOtherTakesOverWhenItStops() throws Exception {
        try (EmbeddedBroker broker = new EmbeddedBroker(0); LocalKubernetesApi api = new LocalKubernetesApi();
             MqttClient edge = new MqttClient(broker.url(), "edge0-test", new MemoryPersistence())) {
            KubernetesClient kube = api.client();
            Dataset dataset = new Dataset();
            dataset.setMetadata(new ObjectMetaBuilder().withNamespace("default").withName("shared").build());
            dataset.setSpec(new DatasetSpec("/data/shared.txt", "txt", "edge0"));
            dataset = kube.resource(dataset).create();
            edge.connect();
            for (String replica : List.of("replica-a", "replica-b")) { // the cloud's pods, as its Deployment makes them
                kube.resource(new PodBuilder().withNewMetadata().withNamespace("default").withName(replica)
                    .addToLabels("app.kubernetes.io/name", "edgeai-sync-cloud").endMetadata()
                    .withNewStatus().withPhase("Running").addNewCondition().withType("Ready").withStatus("True").endCondition()
                    .addNewContainerStatus().withName("cloud").withReady(true).withNewState().withNewRunning().endRunning().endState()
                    .endContainerStatus().endStatus().build()).create();
            }

            Main first = cloud(broker, api, "replica-a");
            Main second = cloud(broker, api, "replica-b");
            try {
                await().atMost(Duration.ofSeconds(20)).until(() -> leads(first) || leads(second));
                Main leader = leads(first) ? first : second;
                Main standby = leader == first ? second : first;
                // for a while (longer than a lease), the standby never leads too
                await().during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(6))
                    .until(() -> List.of(leads(first), leads(second)).stream().filter(Boolean::booleanValue).count() == 1);

                // both replicas are ready: Kubernetes counts only ready pods as members, and only a member
                // may take the lease, so a standby not ready could never take over (the standby's caches
                // list as the leader's do, so that it takes over with them)
                await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                    assertThat(readiness(standby)).allMatch(check -> check.getState() == HealthCheck.State.UP, "the standby's checks all UP");
                    assertThat(readiness(leader)).allMatch(check -> check.getState() == HealthCheck.State.UP, "the leader's checks all UP");
                });
                String leaderName = leader == first ? "replica-a" : "replica-b";
                String standbyName = leader == first ? "replica-b" : "replica-a";
                report(edge, dataset, 5);
                await().atMost(Duration.ofSeconds(20)).until(() -> Long.valueOf(5).equals(samples(kube)));
                assertThat(statusWrites(leaderName)).as("the leader wrote the status once").isEqualTo(1);
                assertThat(statusWrites(standbyName)).as("the standby wrote nothing").isZero();

                leader.stop(); // stops renewing the lease
                // and its pod goes, as Kubernetes takes a dead replica's pod away (the cluster service
                // counts only running, ready pods as members)
                kube.pods().inNamespace("default").withName(leader == first ? "replica-a" : "replica-b").delete();
                report(edge, dataset, 6); // while nobody leads

                await().atMost(Duration.ofSeconds(20)).until(() -> leads(standby));
                await().atMost(Duration.ofSeconds(20)).until(() -> Long.valueOf(6).equals(samples(kube)));
                assertThat(statusWrites(leaderName)).as("the old leader wrote nothing more").isEqualTo(1);
                assertThat(statusWrites(standbyName)).as("the new leader wrote the report made during the gap, once").isEqualTo(1);

                // issue 9: deploy/rbac.yaml grants every call the replicas made: informers, status
                // patches, Events, the lease and the pods (a real API server would have refused the rest)
                RbacRules rbac = RbacRules.fromDeploy();
                // (an Event's create is checked when one was made in time: they come from a rate-limited
                // timer route, and DeployTest checks the grant itself)
                assertThat(CALLS).contains("list edgeai.io/datasets", "watch edgeai.io/datasets", "patch edgeai.io/datasets/status",
                    "get coordination.k8s.io/leases", "list /pods");
                assertThat(CALLS).allMatch(rbac::allows, "granted by deploy/rbac.yaml");
            } finally {
                first.stop();
                second.stop();
                edge.disconnect();
            }
        }
    }
}

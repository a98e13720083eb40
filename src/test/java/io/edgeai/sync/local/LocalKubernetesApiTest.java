package io.edgeai.sync.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.edgeai.sync.resources.Dataset;
import io.edgeai.sync.resources.DatasetSpec;
import io.edgeai.sync.resources.DatasetStatus;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The in-memory API where a controller or kubectl can tell: optimistic concurrency (a write based on a
 * stale resourceVersion is a 409 Conflict), and Events readable in both API groups.
 */
class LocalKubernetesApiTest {
    private static LocalKubernetesApi api;
    private static KubernetesClient kube;

    @BeforeAll
    static void start() throws Exception {
        api = new LocalKubernetesApi();
        kube = api.client();
    }

    @AfterAll
    static void stop() {
        api.close();
    }

    private static Dataset created(String name) {
        Dataset dataset = new Dataset();
        dataset.setMetadata(new ObjectMetaBuilder().withNamespace("default").withName(name).build());
        dataset.setSpec(new DatasetSpec("/data/" + name, "txt", "edge0"));
        return kube.resource(dataset).create();
    }

    private static Dataset copyAt(Dataset dataset, String resourceVersion, String dataUrl) {
        Dataset copy = new Dataset();
        copy.setMetadata(new ObjectMetaBuilder(dataset.getMetadata()).withResourceVersion(resourceVersion).build());
        copy.setSpec(new DatasetSpec(dataUrl, "txt", "edge0"));
        return copy;
    }

    private static int codeOf(Runnable write) {
        try {
            write.run();
            return 200;
        } catch (KubernetesClientException e) {
            return e.getCode();
        }
    }

    @Test
    void anUpdateFromAStaleReadIsAConflict() {
        Dataset read = created("stale-update");
        String first = read.getMetadata().getResourceVersion();

        Dataset updated = kube.resource(copyAt(read, first, "/data/v2")).update();
        assertThat(updated.getMetadata().getResourceVersion()).isNotEqualTo(first);

        assertThatThrownBy(() -> kube.resource(copyAt(read, first, "/data/v3")).update())
            .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
                assertThat(e.getCode()).isEqualTo(409);
                assertThat(e.getStatus().getReason()).isEqualTo("Conflict");
                assertThat(e.getStatus().getMessage()).contains("the object has been modified");
            });
        assertThat(kube.resources(Dataset.class).inNamespace("default").withName("stale-update").get().getSpec().getDataUrl())
            .as("the stale write changed nothing").isEqualTo("/data/v2");
        // a JSON patch naming the resourceVersion it was made from (fabric8's edit) is held to it too, with the same answer
        assertThatThrownBy(() -> kube.resources(Dataset.class).inNamespace("default").withName("stale-update")
            .patch(io.fabric8.kubernetes.client.dsl.base.PatchContext.of(io.fabric8.kubernetes.client.dsl.base.PatchType.JSON),
                "[{\"op\":\"replace\",\"path\":\"/metadata/resourceVersion\",\"value\":\"" + first + "\"},"
                    + "{\"op\":\"replace\",\"path\":\"/spec/dataUrl\",\"value\":\"/data/v4\"}]"))
            .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
                assertThat(e.getCode()).isEqualTo(409);
                assertThat(e.getStatus().getReason()).isEqualTo("Conflict");
            });
    }

    @Test
    void aStatusWriteFromAStaleReadIsAConflict() {
        Dataset read = created("stale-status");
        DatasetStatus status = new DatasetStatus();
        status.setNumberOfSamples(3L);
        Dataset withStatus = copyAt(read, read.getMetadata().getResourceVersion(), "/data/stale-status");
        withStatus.setStatus(status);
        kube.resource(withStatus).updateStatus();

        assertThat(codeOf(() -> kube.resource(withStatus).updateStatus())).isEqualTo(409);
    }

    @Test
    void aMergePatchNamingAStaleResourceVersionIsAConflictAndOneNamingNoneIsNot() {
        Dataset read = created("stale-patch");
        String stale = read.getMetadata().getResourceVersion();
        kube.resource(copyAt(read, stale, "/data/moved")).update();
        PatchContext merge = PatchContext.of(PatchType.JSON_MERGE);

        assertThat(codeOf(() -> kube.resources(Dataset.class).inNamespace("default").withName("stale-patch")
            .patch(merge, "{\"metadata\":{\"resourceVersion\":\"" + stale + "\"},\"spec\":{\"format\":\"csv\"}}"))).isEqualTo(409);
        assertThat(codeOf(() -> kube.resources(Dataset.class).inNamespace("default").withName("stale-patch")
            .patch(merge, "{\"spec\":{\"format\":\"csv\"}}"))).isEqualTo(200);
    }

    @Test
    void ofManyLeaseWritersFromTheSameReadExactlyOneWins() throws Exception {
        Lease lease = kube.resource(new LeaseBuilder().withNewMetadata().withNamespace("default").withName("race").endMetadata()
            .withNewSpec().withHolderIdentity("nobody").endSpec().build()).create();
        String read = lease.getMetadata().getResourceVersion();
        assertThat(race(i -> () -> kube.resource(new LeaseBuilder(lease).editMetadata().withResourceVersion(read).endMetadata()
            .editSpec().withHolderIdentity("replica-" + i).endSpec().build()).update()))
            .as("one lease holder, the others told to read again").containsOnlyOnce(200).containsOnly(200, 409);
    }

    @Test
    void ofManyStatusWritersFromTheSameReadExactlyOneWins() throws Exception {
        Dataset read = created("status-race");
        assertThat(race(i -> () -> {
            Dataset mine = copyAt(read, read.getMetadata().getResourceVersion(), "/data/status-race");
            DatasetStatus status = new DatasetStatus();
            status.setNumberOfSamples((long) i);
            mine.setStatus(status);
            kube.resource(mine).updateStatus();
        })).containsOnlyOnce(200).containsOnly(200, 409);
    }

    /** The answers to 8 writes started at once. */
    private static List<Integer> race(java.util.function.IntFunction<Runnable> write) throws Exception {
        int writers = 8;
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int i = 0; i < writers; i++) {
                Runnable mine = write.apply(i);
                results.add(pool.submit(() -> {
                    go.await();
                    return codeOf(mine);
                }));
            }
            go.countDown();
            List<Integer> codes = new ArrayList<>();
            for (Future<Integer> result : results) {
                codes.add(result.get(30, TimeUnit.SECONDS));
            }
            return codes;
        } finally {
            pool.shutdownNow();
        }
    }

    /** Issue 8: kubectl describe reads core/v1 Events by involvedObject; the cloud writes events.k8s.io/v1. */
    @Test
    void eventsWrittenAsEventsK8sIoAreListedAsCoreEventsByInvolvedObject() throws Exception {
        for (String name : List.of("a", "b")) {
            kube.events().v1().events().inNamespace("events").resource(new io.fabric8.kubernetes.api.model.events.v1.EventBuilder()
                .withNewMetadata().withName(name + ".1").withNamespace("events").endMetadata()
                .withType("Warning").withReason("PathNotFound").withNote("no " + name).withAction("SyncStatus")
                .withReportingController("edgeai.io/edgeai-sync-cloud").withReportingInstance("cloud-0")
                .withEventTime(new io.fabric8.kubernetes.api.model.MicroTime("2026-11-30T12:00:00.000000Z"))
                .withSeries(new io.fabric8.kubernetes.api.model.events.v1.EventSeries(3, new io.fabric8.kubernetes.api.model.MicroTime("2026-11-30T12:01:00.000000Z")))
                .withNewRegarding().withApiVersion("edgeai.io/v1alpha1").withKind("Dataset").withNamespace("events").withName(name).withUid("uid-" + name).endRegarding()
                .build()).create();
        }
        var core = kube.v1().events().inNamespace("events")
            .withField("involvedObject.name", "a").withField("involvedObject.kind", "Dataset").withField("involvedObject.uid", "uid-a").list().getItems();
        assertThat(core).hasSize(1);
        assertThat(core.get(0).getMessage()).isEqualTo("no a");
        assertThat(core.get(0).getReason()).isEqualTo("PathNotFound");
        assertThat(core.get(0).getCount()).isEqualTo(3);
        assertThat(core.get(0).getSource().getComponent()).isEqualTo("edgeai.io/edgeai-sync-cloud");
        assertThat(kube.v1().events().inNamespace("events").list().getItems()).hasSize(2);
        assertThat(kube.v1().events().inNamespace("events").withoutField("involvedObject.name", "a").list().getItems())
            .extracting(e -> e.getInvolvedObject().getName()).containsExactly("b");
        assertThat(kube.v1().events().inAnyNamespace().withField("metadata.namespace", "events").list().getItems()).hasSize(2);
        assertThatThrownBy(() -> kube.v1().events().inNamespace("events").withField("note", "x").list())
            .isInstanceOf(KubernetesClientException.class).hasMessageContaining("field label not supported");
    }

    /** Issue 10: the status subresource's rules and metadata.generation, as kube-apiserver keeps them. */
    @Test
    void theObjectAndItsStatusAreWrittenApartAndGenerationCountsSpecChanges() {
        Dataset dataset = new Dataset();
        dataset.setMetadata(new ObjectMetaBuilder().withNamespace("default").withName("apart").build());
        dataset.setSpec(new DatasetSpec("/data/apart", "txt", "edge0"));
        DatasetStatus claimed = new DatasetStatus();
        claimed.setNumberOfSamples(999L);
        dataset.setStatus(claimed);
        Dataset created = kube.resource(dataset).create();
        assertThat(created.getStatus()).as("a create does not set the status").isNull();
        assertThat(created.getMetadata().getGeneration()).isEqualTo(1L);

        DatasetStatus counted = new DatasetStatus();
        counted.setNumberOfSamples(3L);
        created.setStatus(counted);
        Dataset withStatus = kube.resource(created).updateStatus();
        assertThat(withStatus.getStatus().getNumberOfSamples()).isEqualTo(3L);
        assertThat(withStatus.getMetadata().getGeneration()).as("a status write is not a spec change").isEqualTo(1L);

        withStatus.getSpec().setFormat("csv");
        withStatus.getStatus().setNumberOfSamples(7L);
        Dataset updated = kube.resource(withStatus).update();
        assertThat(updated.getSpec().getFormat()).isEqualTo("csv");
        assertThat(updated.getStatus().getNumberOfSamples()).as("an update of the object keeps the status").isEqualTo(3L);
        assertThat(updated.getMetadata().getGeneration()).isEqualTo(2L);

        updated.getSpec().setFormat("jsonl");
        updated.getStatus().setNumberOfSamples(8L);
        Dataset statusOnly = kube.resource(updated).updateStatus();
        assertThat(statusOnly.getStatus().getNumberOfSamples()).isEqualTo(8L);
        assertThat(statusOnly.getSpec().getFormat()).as("a status write keeps the spec").isEqualTo("csv");
        assertThat(statusOnly.getMetadata().getGeneration()).isEqualTo(2L);

        Dataset relabelled = kube.resources(Dataset.class).inNamespace("default").withName("apart")
            .edit(d -> {
                d.getMetadata().setLabels(java.util.Map.of("team", "vision"));
                return d;
            });
        assertThat(relabelled.getMetadata().getGeneration()).as("metadata changes are not spec changes").isEqualTo(2L);
    }
}

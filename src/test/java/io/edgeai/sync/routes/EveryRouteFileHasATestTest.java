package io.edgeai.sync.routes;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Issue 12: every file under routes/ is loaded by a route test of its own (the error handling by all of them). */
class EveryRouteFileHasATestTest {
    private static final List<RouteFileTest> TESTS = List.of(new EdgeDatasetDownstreamRouteTest(), new EdgeTimersRouteTest(), new EdgeBucketNotificationsRouteTest(),
        new EdgeModelAndFileRoutesRouteTest(), new CloudModelDownstreamRouteTest(), new CloudDesiredStateSourcesRouteTest(),
        new CloudDesiredStatePublishRouteTest(), new CloudStatusRoutesRouteTest(), new CloudKubernetesEventsRouteTest());

    @Test
    void everyRouteFileIsTested() throws Exception {
        Set<String> files = new TreeSet<>();
        try (Stream<Path> walk = Files.walk(Path.of("routes"))) {
            walk.filter(path -> path.toString().endsWith(".yaml")).forEach(path -> files.add(Path.of("routes").relativize(path).toString()));
        }
        Set<String> tested = new TreeSet<>(List.of("common/error-handling.yaml"));
        TESTS.forEach(test -> tested.addAll(test.routeFiles()));

        assertThat(files).isNotEmpty();
        assertThat(tested).containsAll(files);
    }
}

package io.edgeai.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A setting that is missing or wrong stops the process with one line that names it, and exit code 2. */
class ConfigurationErrorTest {

    private static Process launch(Path home, String mode, String... env) throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        ProcessBuilder builder = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"), EdgeaiSync.class.getName(), mode)
            .directory(home.toFile()).redirectErrorStream(true);
        builder.environment().keySet().removeIf(name -> name.startsWith("EDGEAI_"));
        for (int i = 0; i < env.length; i += 2) {
            builder.environment().put(env[i], env[i + 1]);
        }
        return builder.start();
    }

    private static List<String> finish(Process process) throws Exception {
        List<String> output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return output;
    }

    @Test
    void anEdgeWithoutItsNodeNameSaysSoInOneLine(@org.junit.jupiter.api.io.TempDir Path home) throws Exception {
        Process edge = launch(home, "edge");
        List<String> output = finish(edge);

        assertThat(edge.exitValue()).isEqualTo(2);
        assertThat(output).filteredOn(line -> line.contains("edgeai.node-name")).hasSize(1)
            .first().asString().startsWith("edgeai-sync edge: set edgeai.node-name");
        assertThat(output).noneMatch(line -> line.startsWith("\tat ") || line.contains("Exception"));
    }

    @Test
    void aSettingThatIsNotANumberSaysSoInOneLine(@org.junit.jupiter.api.io.TempDir Path home) throws Exception {
        Process edge = launch(home, "edge", "EDGEAI_NODE_NAME", "edge0", "EDGEAI_EDGE_DATA_ROOTS", home.toString(),
            "EDGEAI_EDGE_STATE_DIR", home.resolve("state").toString(), "EDGEAI_EDGE_COUNT_THREADS", "two");
        List<String> output = finish(edge);

        assertThat(edge.exitValue()).isEqualTo(2);
        assertThat(output).contains("edgeai-sync edge: edgeai.edge.count-threads must be a whole number, not 'two'");
        assertThat(output).noneMatch(line -> line.startsWith("\tat ") || line.contains("Exception"));
    }
}

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
        return launch(home, List.of("-Dcamel.management.port=0"), List.of(mode), env);
    }

    private static Process launch(Path home, List<String> jvmFlags, List<String> arguments, String... env) throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        // any free port for health and metrics (jvmFlags): 9876 may be taken on the machine that runs the tests
        List<String> command = new java.util.ArrayList<>(List.of(java.toString()));
        command.addAll(jvmFlags);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), EdgeaiSync.class.getName()));
        command.addAll(arguments);
        ProcessBuilder builder = new ProcessBuilder(command)
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

    /** Issue 12: a Camel component's option (camel.component.*) that Camel Main cannot bind is one line too. */
    @Test
    void aCamelComponentSettingThatCannotBeBoundSaysSoInOneLine(@org.junit.jupiter.api.io.TempDir Path home) throws Exception {
        java.nio.file.Files.writeString(home.resolve("application.properties"), "edgeai.node-name = edge0\n"
            + "edgeai.edge.data-roots = " + home + "\nedgeai.edge.state-dir = " + home.resolve("state")
            + "\ncamel.component.paho.keep-alive-interval = soon\n");
        Process edge = launch(home, "edge");
        List<String> output = finish(edge);

        assertThat(edge.exitValue()).isEqualTo(2);
        assertThat(output).filteredOn(line -> line.startsWith("edgeai-sync edge: ")).singleElement().asString()
            .isEqualTo("edgeai-sync edge: camel.component.paho.keep-alive-interval cannot be set to 'soon' (no such option, or not a value of its type)");
        assertThat(output).noneMatch(line -> line.startsWith("\tat ") || line.contains("Exception"));
    }

    /** Issue 9: ./application.properties and ./application-edge.properties are read over the jar's, the profile file last. */
    @Test
    void settingsInTheWorkingDirectoryWinOverTheJars(@org.junit.jupiter.api.io.TempDir Path home) throws Exception {
        java.nio.file.Files.writeString(home.resolve("application.properties"), "edgeai.node-name = edge0\n"
            + "edgeai.edge.data-roots = " + home + "\nedgeai.edge.state-dir = " + home.resolve("state") + "\nedgeai.edge.count-threads = three\n");
        Process edge = launch(home, "edge");
        assertThat(finish(edge)).contains("edgeai-sync edge: edgeai.edge.count-threads must be a whole number, not 'three'");

        java.nio.file.Files.writeString(home.resolve("application-edge.properties"), "edgeai.edge.count-threads = four\n");
        Process profiled = launch(home, "edge");
        assertThat(finish(profiled)).contains("edgeai-sync edge: edgeai.edge.count-threads must be a whole number, not 'four'");
    }

    /** Issue 9: --help and --version answer and exit 0; a mistyped mode says so and exits 2. */
    @Test
    void helpVersionAndAnUnknownMode(@org.junit.jupiter.api.io.TempDir Path home) throws Exception {
        Process help = launch(home, "--help");
        List<String> text = finish(help);
        assertThat(help.exitValue()).isZero();
        assertThat(String.join("\n", text)).contains("usage: edgeai-sync").contains("cloud").contains("edge").contains("edgeai.mqtt.url");

        Process version = launch(home, "--version");
        List<String> printed = finish(version);
        assertThat(version.exitValue()).isZero();
        String expected = new String(java.nio.file.Files.readAllBytes(Path.of("pom.xml")), StandardCharsets.UTF_8)
            .replaceFirst("(?s).*?<artifactId>edgeai-sync</artifactId>\\s*<version>([^<]+)</version>.*", "$1");
        assertThat(printed).containsExactly("edgeai-sync " + expected);

        Process typo = launch(home, "clod");
        List<String> said = finish(typo);
        assertThat(typo.exitValue()).isEqualTo(2);
        assertThat(said).containsExactly("edgeai-sync: unknown mode 'clod'; one of local, cloud, edge, bench, bench-e2e, bench-scale, bench-artifacts, bench-models, bench-remote (--help says more)");
    }

    /** Issue 9: the password may come from a file (a mounted Secret); the path may name the node, as deploy/ does. */
    @Test
    void anUnreadablePasswordFileSaysSoInOneLine(@org.junit.jupiter.api.io.TempDir Path home) throws Exception {
        Process edge = launch(home, "edge", "EDGEAI_NODE_NAME", "edge7", "EDGEAI_EDGE_DATA_ROOTS", home.toString(),
            "EDGEAI_EDGE_STATE_DIR", home.resolve("state").toString(), "EDGEAI_MQTT_USERNAME", "edge7",
            "EDGEAI_MQTT_PASSWORD_FILE", home.resolve("secrets").toString() + "/{{edgeai.node-name}}");
        List<String> output = finish(edge);

        assertThat(edge.exitValue()).isEqualTo(2);
        assertThat(output).contains("edgeai-sync edge: edgeai.mqtt.password-file " + home.resolve("secrets/edge7")
            + " cannot be read (NoSuchFileException)");
    }

    /** Issue 11: a trust store for a private CA that is not one stops the edge at start, in one line. */
    @Test
    void anUnreadableTrustStoreSaysSoInOneLine(@org.junit.jupiter.api.io.TempDir Path home) throws Exception {
        java.nio.file.Files.writeString(home.resolve("ca.p12"), "not a key store");
        Process edge = launch(home, "edge", "EDGEAI_NODE_NAME", "edge0", "EDGEAI_EDGE_DATA_ROOTS", home.toString(),
            "EDGEAI_EDGE_STATE_DIR", home.resolve("state").toString(), "EDGEAI_EDGE_TRUST_STORE", home.resolve("ca.p12").toString());
        List<String> output = finish(edge);

        assertThat(edge.exitValue()).isEqualTo(2);
        assertThat(output).filteredOn(line -> line.startsWith("edgeai-sync edge: ")).singleElement().asString()
            .startsWith("edgeai-sync edge: edgeai.edge.trust-store: cannot read the trust store " + home.resolve("ca.p12"));
        assertThat(output).noneMatch(line -> line.startsWith("\tat ") || line.contains("Exception"));
    }

    /** A management port that is not a port, a mode given arguments it does not take: one line each, exit 2. */
    @Test
    void aPortThatIsNotAPortAndStrayArgumentsSaySoInOneLine(@org.junit.jupiter.api.io.TempDir Path home) throws Exception {
        String[] edge = {"EDGEAI_NODE_NAME", "edge0", "EDGEAI_EDGE_DATA_ROOTS", home.toString(), "EDGEAI_EDGE_STATE_DIR", home.resolve("state").toString()};
        Process letters = launch(home, List.of("-Dcamel.management.port=abc"), List.of("edge"), edge);
        assertThat(finish(letters)).contains("edgeai-sync edge: camel.management.port must be a port number, not 'abc'");
        assertThat(letters.exitValue()).isEqualTo(2);

        Process tooHigh = launch(home, List.of("-Dcamel.management.port=70000"), List.of("edge"), edge);
        List<String> said = finish(tooHigh);
        assertThat(said).contains("edgeai-sync edge: camel.management.port must be a port number from 0 to 65535, not 70000");
        assertThat(said).noneMatch(line -> line.startsWith("\tat ") || line.contains("Exception"));

        Process stray = launch(home, List.of(), List.of("edge", "--help"), edge);
        assertThat(finish(stray)).containsExactly("edgeai-sync edge: unexpected argument '--help'; settings are properties or environment variables"
            + " (--help says more)");
        assertThat(stray.exitValue()).isEqualTo(2);
    }
}

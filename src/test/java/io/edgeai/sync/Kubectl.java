package io.edgeai.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The real kubectl, run against a kubeconfig, as the tests of what an operator sees use it. */
public final class Kubectl {
    public static final Path KUBECTL = Path.of("/usr/bin/kubectl");

    /** What a kubectl command said (standard output and error together) and its exit code. */
    public record Result(int exit, String output) {
        public List<String> lines() {
            return output.lines().toList();
        }
    }

    private Kubectl() {
    }

    public static boolean installed() {
        return Files.isExecutable(KUBECTL);
    }

    /** Runs kubectl and returns what it said, whatever its exit code. */
    public static Result run(Path kubeconfig, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(KUBECTL.toString(), "--kubeconfig", kubeconfig.toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String said = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Result(process.exitValue(), said);
    }

    /** Runs kubectl, which must succeed, and returns what it said. */
    public static String ok(Path kubeconfig, String... args) throws Exception {
        Result result = run(kubeconfig, args);
        assertThat(result.exit()).as("kubectl " + String.join(" ", args) + ":\n" + result.output()).isZero();
        return result.output();
    }
}

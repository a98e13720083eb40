package io.edgeai.sync;

import io.edgeai.sync.local.LocalMode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code java -jar edgeai-sync.jar [local|cloud|edge|bench|bench-e2e|bench-scale|bench-artifacts|--help|--version]}; local is the default. */
public final class EdgeaiSync {
    static final String USAGE = """
        usage: edgeai-sync [MODE]         (java -jar edgeai-sync.jar [MODE])

        modes:
          local        cloud, edge, an embedded MQTT broker and an in-memory Kubernetes API in one
                       process, for trying things; prints the kubeconfig to use (the default in
                       edgeai-sync.jar; edgeai-sync-cloud.jar and edgeai-sync-edge.jar run their own mode)
          cloud        watches Datasets and Models, sends them to the edge nodes, writes their statuses
          edge         on an edge node: counts its datasets under its data roots, reports upstream
          bench, bench-e2e, bench-scale, bench-artifacts, bench-models, bench-remote
                       the benchmarks of BENCHMARKS.md
          --help       this text          --version   the version

        main settings (a property, or an environment variable: EDGEAI_NODE_NAME for edgeai.node-name):
          edgeai.mqtt.url                   the broker (tcp://localhost:1883; ssl://... for TLS)
          edgeai.mqtt.username / password   this process's broker identity
          edgeai.node-name                  edge: this node's name, as in spec.nodeName
          edgeai.edge.data-roots            edge: the only directories it reads (/data)
          edgeai.edge.state-dir             edge: where its desired state survives restarts
          edgeai.namespaces                 cloud: namespaces to watch (all)
        Settings are read from ./application-MODE.properties and ./application.properties in the
        working directory, then from the jar's copies; environment variables and -D win over files.
        All settings: application.properties.
        """;

    private EdgeaiSync() {
    }

    /** Each mode and a class only a jar with that mode holds (the lean jars have one mode each). */
    private static final Map<String, String> MODES = new LinkedHashMap<>();

    static {
        MODES.put("local", "io.edgeai.sync.local.LocalMode");
        MODES.put(SyncApp.CLOUD, "io.edgeai.sync.cloud.CloudWiring");
        MODES.put(SyncApp.EDGE, "io.edgeai.sync.edge.EdgeWiring");
        MODES.put("bench", "io.edgeai.sync.counting.bench.CountingBenchmark");
        MODES.put("bench-e2e", "io.edgeai.sync.local.FileToStatusBenchmark");
        MODES.put("bench-scale", "io.edgeai.sync.local.ScaleBenchmark");
        MODES.put("bench-artifacts", "io.edgeai.sync.local.ArtifactBenchmark");
        MODES.put("bench-models", "io.edgeai.sync.edge.bench.ModelHashBenchmark");
        MODES.put("bench-remote", "io.edgeai.sync.local.RemoteCountBenchmark");
    }

    public static void main(String[] args) throws Exception {
        List<String> present = present();
        // local by default; a jar with one mode runs that one
        String mode = args.length > 0 ? args[0] : present.contains("local") || present.isEmpty() ? "local" : present.get(0);
        if (args.length > 1 && List.of("local", SyncApp.CLOUD, SyncApp.EDGE).contains(mode)) {
            System.err.println("edgeai-sync " + mode + ": unexpected argument '" + args[1] + "'; settings are properties or environment variables"
                + " (--help says more)");
            System.exit(2);
        }
        if (MODES.containsKey(mode) && !present.contains(mode)) {
            boolean leanJar = SyncApp.CLOUD.equals(mode) || SyncApp.EDGE.equals(mode);
            System.err.println("edgeai-sync: this jar runs only " + String.join(", ", present) + "; " + mode + " is in "
                + (leanJar ? "edgeai-sync-" + mode + ".jar and " : "") + "edgeai-sync.jar");
            System.exit(2);
        }
        try {
            run(mode, args);
        } catch (Exception e) {
            ConfigurationError error = ConfigurationError.in(e).orElseThrow(() -> e);
            System.err.println("edgeai-sync " + mode + ": " + error.getMessage());
            System.exit(2);
        }
    }

    private static void run(String mode, String[] args) throws Exception {
        switch (mode) {
            case "local" -> LocalMode.run();
            case SyncApp.CLOUD, SyncApp.EDGE -> SyncApp.create(mode, null, null).run();
            case "bench" -> io.edgeai.sync.counting.bench.CountingBenchmark.main(Arrays.copyOfRange(args, 1, args.length));
            case "bench-e2e" -> io.edgeai.sync.local.FileToStatusBenchmark.main(Arrays.copyOfRange(args, 1, args.length));
            case "bench-scale" -> io.edgeai.sync.local.ScaleBenchmark.main(Arrays.copyOfRange(args, 1, args.length));
            case "bench-artifacts" -> io.edgeai.sync.local.ArtifactBenchmark.main(Arrays.copyOfRange(args, 1, args.length));
            case "bench-models" -> io.edgeai.sync.edge.bench.ModelHashBenchmark.main(Arrays.copyOfRange(args, 1, args.length));
            case "bench-remote" -> io.edgeai.sync.local.RemoteCountBenchmark.main(Arrays.copyOfRange(args, 1, args.length));
            case "--help", "-h", "help" -> System.out.print(USAGE);
            case "--version", "-V", "version" -> System.out.println("edgeai-sync " + version());
            default -> {
                System.err.println("edgeai-sync: unknown mode '" + mode + "'; one of " + String.join(", ", MODES.keySet())
                    + " (--help says more)");
                System.exit(2);
            }
        }
    }

    /** The modes this jar (or class path) can run. */
    static List<String> present() {
        ClassLoader loader = EdgeaiSync.class.getClassLoader();
        return MODES.entrySet().stream().filter(mode -> loader.getResource(mode.getValue().replace('.', '/') + ".class") != null)
            .map(Map.Entry::getKey).toList();
    }

    /** The project's version, as the build wrote it into the jar. */
    static String version() throws IOException {
        try (InputStream in = EdgeaiSync.class.getResourceAsStream("version.txt")) {
            return in == null ? "unknown" : new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
        }
    }
}

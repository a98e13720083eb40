package io.edgeai.sync;

import io.edgeai.sync.local.LocalMode;
import java.util.Arrays;

/** {@code java -jar edgeai-sync.jar [local|cloud|edge|bench|bench-e2e|bench-scale]}; local is the default. */
public final class EdgeaiSync {
    private EdgeaiSync() {
    }

    public static void main(String[] args) throws Exception {
        String mode = args.length == 0 ? "local" : args[0];
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
            default -> {
                System.err.println("usage: java -jar edgeai-sync.jar [local|cloud|edge|bench|bench-e2e|bench-scale]");
                System.exit(2);
            }
        }
    }
}

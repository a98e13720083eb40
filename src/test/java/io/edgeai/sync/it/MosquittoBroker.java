package io.edgeai.sync.it;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;

/**
 * Debian's mosquitto on a free loopback port, started as a child process. With {@code extraConfig}
 * the tests can switch on password files and ACLs.
 */
final class MosquittoBroker implements Broker {
    static final Path BINARY = List.of(Path.of("/usr/sbin/mosquitto"), Path.of("/usr/bin/mosquitto")).stream()
        .filter(Files::isExecutable).findFirst().orElse(null);

    private final Path workDir;
    private final Path config;
    private Process process;
    private final int port;

    MosquittoBroker(Path workDir, String extraConfig) throws IOException {
        port = io.edgeai.sync.LoopbackPorts.free();
        this.workDir = workDir;
        this.config = workDir.resolve("mosquitto.conf");
        Files.writeString(config, "listener " + port + " 127.0.0.1\npersistence false\n"
            + (extraConfig == null ? "allow_anonymous true\n" : extraConfig));
        start();
    }

    private void start() throws IOException {
        process = new ProcessBuilder(BINARY.toString(), "-c", config.toString())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(workDir.resolve("mosquitto.log").toFile()))
            .start();
        Awaitility.await("mosquitto listening on " + port).atMost(Duration.ofSeconds(10)).until(this::accepting);
    }

    @Override
    public void restart(WhileDown whileDown) throws Exception {
        close();
        try {
            whileDown.run();
        } finally {
            start();
        }
    }

    static boolean available() {
        return BINARY != null;
    }

    private boolean accepting() {
        if (!process.isAlive()) {
            throw new IllegalStateException("mosquitto exited with " + process.exitValue());
        }
        try (Socket ignored = new Socket(InetAddress.getLoopbackAddress(), port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public String url() {
        return "tcp://127.0.0.1:" + port;
    }

    @Override
    public void close() {
        process.destroy();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

package io.edgeai.sync.it;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;

/** End to end on Debian's mosquitto, when it is installed (.ci/run installs it). */
class MosquittoSyncTest extends SyncEndToEndTest {
    @BeforeAll
    void needsMosquitto() {
        if (!MosquittoBroker.available()) {
            System.err.println("SKIPPED MosquittoSyncTest: mosquitto is not installed (apt-get install -y mosquitto)");
        }
        assumeTrue(MosquittoBroker.available(), "mosquitto is not installed");
    }

    @Override
    protected SyncHarness startSystem() throws Exception {
        Path home = Files.createTempDirectory("edgeai-mosquitto");
        return new SyncHarness(new MosquittoBroker(home, null), home);
    }
}

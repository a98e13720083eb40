package io.edgeai.sync.it;

import io.edgeai.sync.local.EmbeddedBroker;
import java.nio.file.Files;

/** End to end on the embedded broker (Moquette), as local mode runs. */
class EmbeddedBrokerSyncTest extends SyncEndToEndTest {
    @Override
    protected SyncHarness startSystem() throws Exception {
        EmbeddedBroker broker = new EmbeddedBroker(0);
        return new SyncHarness(new Broker() {
            @Override
            public String url() {
                return broker.url();
            }

            @Override
            public void close() {
                broker.close();
            }
        }, Files.createTempDirectory("edgeai-embedded"));
    }
}

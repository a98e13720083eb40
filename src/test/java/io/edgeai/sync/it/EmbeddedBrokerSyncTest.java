package io.edgeai.sync.it;

import io.edgeai.sync.local.EmbeddedBroker;
import java.nio.file.Files;

/** End to end on the embedded broker (Moquette), as local mode runs. */
class EmbeddedBrokerSyncTest extends SyncEndToEndTest {
    @Override
    protected SyncHarness startSystem() throws Exception {
        return new SyncHarness(new Broker() {
            private EmbeddedBroker broker = new EmbeddedBroker(0);

            @Override
            public String url() {
                return broker.url();
            }

            @Override
            public void restart(WhileDown whileDown) throws Exception {
                int port = Integer.parseInt(broker.url().substring(broker.url().lastIndexOf(':') + 1));
                broker.close();
                try {
                    whileDown.run();
                } finally {
                    broker = new EmbeddedBroker(port);
                }
            }

            @Override
            public void close() {
                broker.close();
            }
        }, Files.createTempDirectory("edgeai-embedded"));
    }
}

package io.edgeai.sync.edge;

import static org.assertj.core.api.Assertions.assertThat;

import io.edgeai.sync.mqtt.Messages.DesiredDataset;
import io.edgeai.sync.resources.DatasetSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DesiredStateStoreTest {
    @TempDir
    Path dir;

    /** Issue 6, item 5: every valid namespace/name, the longest included, is saved, read back and forgotten. */
    @Test
    void namesUpToTheLongestValidOnesAreSavedReadAndDeleted() throws Exception {
        DesiredStateStore store = new DesiredStateStore(dir);
        String namespace = "n".repeat(63);
        String longest = ("a".repeat(62) + ".").repeat(4) + "b"; // 253 characters, labels of 62
        assertThat(longest).hasSize(253);
        for (String name : new String[] {"short", "c".repeat(250), longest}) {
            DesiredDataset dataset = new DesiredDataset(namespace, name, "uid", 1, new DatasetSpec("/data/x", "txt", "edge0"), 1);
            store.write("datasets", dataset.key(), dataset);
            Path file = store.fileOf("datasets", dataset.key());
            assertThat(file).exists();
            assertThat(file.getFileName().toString().length()).isLessThanOrEqualTo(255);
        }
        assertThat(store.readAll("datasets", DesiredDataset.class)).extracting(DesiredDataset::name)
            .containsExactlyInAnyOrder("short", "c".repeat(250), longest);
        assertThat(DesiredStateStore.fileName("short")).isEqualTo("short.json");

        store.delete("datasets", namespace + "/" + longest);
        assertThat(store.readAll("datasets", DesiredDataset.class)).extracting(DesiredDataset::name)
            .containsExactlyInAnyOrder("short", "c".repeat(250));
    }

    @Test
    void whatACrashLeftWrittenAsideIsRemovedAndNotRead() throws Exception {
        DesiredStateStore store = new DesiredStateStore(dir);
        Path aside = Files.createDirectories(dir.resolve("datasets/default")).resolve(".write-123.tmp");
        Files.writeString(aside, "{\"namespace\":");
        assertThat(store.readAll("datasets", DesiredDataset.class)).isEmpty();
        assertThat(aside).doesNotExist();
    }
}

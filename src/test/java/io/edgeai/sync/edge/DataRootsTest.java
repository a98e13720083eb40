package io.edgeai.sync.edge;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataRootsTest {
    @TempDir
    Path dir;

    @Test
    void pathsUnderARootAreAllowedEvenBeforeTheyExist() throws Exception {
        DataRoots roots = new DataRoots(List.of(dir.resolve("data")));
        Path real = dir.resolve("data").toRealPath();
        assertThat(roots.resolve(dir.resolve("data/a/index.txt").toString())).isEqualTo(new DataRoots.Allowed(real.resolve("a/index.txt")));
        assertThat(roots.resolve("file://" + dir.resolve("data/b.csv"))).isEqualTo(new DataRoots.Allowed(real.resolve("b.csv")));
    }

    @Test
    void escapesAreRefused() throws Exception {
        DataRoots roots = new DataRoots(List.of(dir.resolve("data")));
        Path outside = Files.createDirectories(dir.resolve("secret"));
        Files.createSymbolicLink(dir.resolve("data/link"), outside);

        assertThat(roots.resolve(dir.resolve("data/../secret/x").toString())).isInstanceOf(DataRoots.Refused.class)
            .extracting("reason").isEqualTo(Reasons.OUTSIDE_DATA_ROOTS);
        assertThat(roots.resolve(dir.resolve("data/link/x.txt").toString())).extracting("reason").isEqualTo(Reasons.OUTSIDE_DATA_ROOTS);
        assertThat(roots.resolve("/etc/passwd")).extracting("reason").isEqualTo(Reasons.OUTSIDE_DATA_ROOTS);
        assertThat(roots.resolve(dir.resolve("database").toString())).as("a sibling sharing the prefix").extracting("reason")
            .isEqualTo(Reasons.OUTSIDE_DATA_ROOTS);
    }

    @Test
    void urlsThatAreNotLocalFilesAreUnsupported() throws Exception {
        DataRoots roots = new DataRoots(List.of(dir));
        assertThat(roots.resolve("s3://bucket/index.txt")).extracting("reason").isEqualTo(Reasons.UNSUPPORTED_URL);
        assertThat(roots.resolve("relative/index.txt")).extracting("reason").isEqualTo(Reasons.UNSUPPORTED_URL);
        assertThat(roots.resolve("")).extracting("reason").isEqualTo(Reasons.UNSUPPORTED_URL);
    }
}

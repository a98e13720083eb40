package io.edgeai.sync.counting;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class UnknownFormatExceptionTest {
    @Test
    void aMissingFormatIsCalledMissingNotNull() {
        assertThat(new UnknownFormatException(null).getMessage()).startsWith("spec.format is missing").doesNotContain("null");
        assertThat(new UnknownFormatException(" ").getMessage()).startsWith("spec.format is missing");
        assertThat(new UnknownFormatException("xml").getMessage()).startsWith("unknown dataset format 'xml'");
    }
}

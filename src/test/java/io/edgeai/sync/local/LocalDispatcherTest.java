package io.edgeai.sync.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class LocalDispatcherTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode merge(String target, String patch) throws Exception {
        return LocalDispatcher.mergePatch(JSON.readTree(target), JSON.readTree(patch));
    }

    @Test
    void followsRfc7386() throws Exception {
        assertThat(merge("{\"a\":\"b\",\"c\":{\"d\":1,\"e\":2},\"l\":[1,2]}", "{\"c\":{\"d\":null,\"f\":3},\"l\":[9],\"a\":null}"))
            .isEqualTo(JSON.readTree("{\"c\":{\"e\":2,\"f\":3},\"l\":[9]}"));
        assertThat(merge("{\"a\":[1]}", "[2]")).isEqualTo(JSON.readTree("[2]"));
        assertThat(merge("[1]", "{\"a\":{\"b\":null}}")).isEqualTo(JSON.readTree("{\"a\":{}}"));
    }
}

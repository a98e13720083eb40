package io.edgeai.sync.mqtt;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;

/** The one JSON mapper of the protocol: strict on types, lenient on fields added by newer peers. */
public final class Json {
    public static final ObjectMapper MAPPER = new ObjectMapper()
        .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
        .configure(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES, true);

    private Json() {
    }

    public static byte[] bytes(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @throws RejectedMessage when the bytes are not a JSON document of that shape */
    public static <T> T read(byte[] payload, Class<T> type, String what) {
        try {
            T value = MAPPER.readValue(payload, type);
            if (value == null) {
                throw new RejectedMessage(what + " is JSON null");
            }
            return value;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new RejectedMessage("malformed " + what + ": " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new RejectedMessage("unreadable " + what + ": " + e.getMessage());
        }
    }

    public static String string(Object value) {
        return new String(bytes(value), java.nio.charset.StandardCharsets.UTF_8);
    }
}

package io.edgeai.sync.counting;

import java.nio.charset.StandardCharsets;

/**
 * A dataset's revision: 64 bits mixed from what the counter already knows of the content, so that
 * telling whether data changed costs no read of it. For a file: its identity (device, inode), size,
 * the CRC32C of its last 4 KiB and its count; a touch changes none of them, an append or a rewrite of
 * the end changes them. For a directory: the names of the files and subdirectories of each of its
 * directories; a touch or a file that grows in place changes none of them. It is not a digest of the
 * content: a file rewritten in place, its length, end and count the same, keeps its revision.
 */
public final class Revision {
    private static final long FNV_OFFSET = 0xcbf29ce484222325L;
    private static final long FNV_PRIME = 0x100000001b3L;
    private long hash = FNV_OFFSET;

    public Revision add(long value) {
        for (int i = 0; i < 8; i++) {
            hash = (hash ^ ((value >>> (8 * i)) & 0xff)) * FNV_PRIME;
        }
        return this;
    }

    public Revision add(String text) {
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            hash = (hash ^ (b & 0xff)) * FNV_PRIME;
        }
        return add(text.length()); // "ab"+"c" and "a"+"bc" differ
    }

    public Revision add(byte[] bytes) {
        for (byte b : bytes) {
            hash = (hash ^ (b & 0xff)) * FNV_PRIME;
        }
        return add(bytes.length);
    }

    public long value() {
        return mix(hash);
    }

    public String hex() {
        return String.format("%016x", value());
    }

    /** A strong 64-bit finaliser (murmur3's), so that sums of revisions stay spread out. */
    static long mix(long x) {
        x ^= x >>> 33;
        x *= 0xff51afd7ed558ccdL;
        x ^= x >>> 33;
        x *= 0xc4ceb93e53d2a7cdL;
        x ^= x >>> 33;
        return x;
    }
}

package dev.slipway.packages.layer;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Passes a download through while counting and hashing it (SHA-256), so what was read can be checked without a
 * second pass. It can refuse to read past a size ({@link SizeExceeded}, so a server cannot feed an endless file)
 * and, when the expected digest is known, refuse content that does not hash to it: the last read fails.
 */
public final class HashingInputStream extends FilterInputStream {
    private final java.security.MessageDigest sha256 = LayerCompressionStream.sha256();
    private final long limit;
    private final Optional<String> expected;
    private final String what;
    private long count;
    private String digest;

    private HashingInputStream(InputStream in, long limit, Optional<String> expected, String what) {
        super(in);
        this.limit = limit;
        this.expected = expected;
        this.what = what;
    }

    /** Refuses to read past {@code limit} bytes. */
    public static HashingInputStream limitedTo(InputStream in, long limit) {
        return new HashingInputStream(in, limit, Optional.empty(), "");
    }

    /**
     * Refuses, at its end, content that does not hash to {@code digest} ({@code sha256:…}); {@code what} names it in
     * that error.
     */
    public static HashingInputStream expecting(InputStream in, String digest, String what) {
        return new HashingInputStream(in, Long.MAX_VALUE, Optional.of(digest), what);
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        if (n > 0) {
            count += n;
            if (count > limit) {
                throw new SizeExceeded(limit);
            }
            sha256.update(b, off, n);
        } else if (n < 0 && digest == null) {
            digest = HexFormat.of().formatHex(sha256.digest());
            if (expected.isPresent() && !expected.get().equals("sha256:" + digest)) {
                throw new IOException(what + " does not hash to its digest");
            }
        }
        return n;
    }

    /** Skipped bytes are read, so they are counted and hashed too. */
    @Override
    public long skip(long n) throws IOException {
        byte[] buffer = new byte[8192];
        long skipped = 0;
        while (skipped < n) {
            int r = read(buffer, 0, (int) Math.min(buffer.length, n - skipped));
            if (r < 0) {
                break;
            }
            skipped += r;
        }
        return skipped;
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    /** Reads the rest (a decompressor may stop before the end) and returns the hex SHA-256 of everything. */
    public String drainAndDigest() throws IOException {
        byte[] buffer = new byte[8192];
        while (read(buffer, 0, buffer.length) >= 0) {
            // counted and hashed by read
        }
        return digest;
    }

    public long count() {
        return count;
    }

    /** More bytes than the limit. */
    public static final class SizeExceeded extends IOException {
        private static final long serialVersionUID = 1L;

        SizeExceeded(long limit) {
            super("longer than the " + limit + " bytes expected");
        }
    }
}

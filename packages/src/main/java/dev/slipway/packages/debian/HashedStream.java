package dev.slipway.packages.debian;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Passes a download through while counting and hashing it; refuses to read past the size the signed Release
 * gives, so a mirror cannot feed an endless or oversized index.
 */
final class HashedStream extends FilterInputStream {

    private final long limit;
    private final MessageDigest sha256;
    private long count;

    HashedStream(InputStream in, long limit) {
        super(in);
        this.limit = limit;
        try {
            this.sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
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
        }
        return n;
    }

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

    /** Reads the rest (a decompressor may stop before the end) and returns size and digest of everything. */
    String drainAndDigest() throws IOException {
        byte[] buffer = new byte[8192];
        while (read(buffer, 0, buffer.length) >= 0) {
            // counted and hashed by read
        }
        return HexFormat.of().formatHex(sha256.digest());
    }

    long count() {
        return count;
    }

    static final class SizeExceeded extends IOException {
        SizeExceeded(long limit) {
            super("longer than the " + limit + " bytes the Release gives");
        }
    }
}

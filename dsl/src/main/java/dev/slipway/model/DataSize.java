package dev.slipway.model;

/** An amount of memory, in bytes. */
public record DataSize(long bytes) implements Comparable<DataSize> {
    private static final long MIB = 1024L * 1024L;
    private static final long GIB = 1024L * MIB;

    public DataSize {
        if (bytes < 0) {
            throw new IllegalArgumentException("a size cannot be negative: " + bytes);
        }
    }

    public static DataSize ofMiB(long mib) {
        return new DataSize(Math.multiplyExact(mib, MIB));
    }

    public static DataSize ofGiB(long gib) {
        return new DataSize(Math.multiplyExact(gib, GIB));
    }

    public DataSize plus(DataSize other) {
        return new DataSize(Math.addExact(bytes, other.bytes));
    }

    public DataSize percent(int pct) {
        return new DataSize(bytes / 100 * pct);
    }

    @Override
    public int compareTo(DataSize other) {
        return Long.compare(bytes, other.bytes);
    }

    @Override
    public String toString() {
        if (bytes % GIB == 0) {
            return bytes / GIB + " GiB";
        }
        if (bytes % MIB == 0) {
            return bytes / MIB + " MiB";
        }
        return String.format(java.util.Locale.ROOT, "%.1f GiB", bytes / (double) GIB);
    }
}

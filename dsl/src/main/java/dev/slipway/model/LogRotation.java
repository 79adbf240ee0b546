package dev.slipway.model;

/** Bounded json-file logs: at most {@code maxFiles} files of {@code maxSize} each per container. */
public record LogRotation(DataSize maxSize, int maxFiles) {
    /** 5 files of 10 MiB: 50 MiB per container at most, instead of Docker's unbounded default. */
    public static final LogRotation DEFAULT = new LogRotation(DataSize.ofMiB(10), 5);

    /** The value of json-file's {@code max-size} option, in bytes. */
    public String maxSizeOption() {
        return Long.toString(maxSize.bytes());
    }

    @Override
    public String toString() {
        return "json-file " + maxFiles + " x " + maxSize;
    }
}

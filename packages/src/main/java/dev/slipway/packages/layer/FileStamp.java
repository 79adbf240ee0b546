package dev.slipway.packages.layer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import java.util.Optional;

/**
 * What tells that a file is the same, unchanged one: its inode, size, modification and status-change times. The
 * kernel sets the status-change time on every write, rename and attribute change, and no program can set it back,
 * so a file whose stamp is the same at two moments held the same bytes in between.
 */
public record FileStamp(Object inode, long size, FileTime modified, FileTime changed) {

    /** The stamp of {@code file} now; empty where the file system does not tell the status-change time. */
    public static Optional<FileStamp> of(Path file) throws IOException {
        Map<String, Object> a;
        try {
            a = Files.readAttributes(file, "unix:dev,ino,size,lastModifiedTime,ctime");
        } catch (UnsupportedOperationException | IllegalArgumentException e) {
            return Optional.empty();
        }
        return Optional.of(new FileStamp(a.get("dev") + ":" + a.get("ino"), (Long) a.get("size"),
                (FileTime) a.get("lastModifiedTime"), (FileTime) a.get("ctime")));
    }
}

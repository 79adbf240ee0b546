package dev.slipway.images.steps;

import com.google.cloud.tools.jib.api.buildplan.AbsoluteUnixPath;
import com.google.cloud.tools.jib.api.buildplan.FileEntriesLayer;
import com.google.cloud.tools.jib.api.buildplan.FileEntry;
import com.google.cloud.tools.jib.api.buildplan.FilePermissions;
import java.io.IOException;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Layer entries that depend only on file names and contents: sorted by path, directories 755, files 644 or 755
 * when the owner may execute them (so umask and group/other bits do not matter), a fixed modification time (Jib's
 * epoch + 1 s) and root ownership, so the application cannot rewrite its own code. Symbolic links are followed:
 * Jib's layers hold regular files and directories only.
 */
public final class ReproducibleEntries {
    static final FilePermissions DIRECTORY = FilePermissions.fromOctalString("755");
    static final FilePermissions EXECUTABLE = FilePermissions.fromOctalString("755");
    static final FilePermissions REGULAR = FilePermissions.fromOctalString("644");

    private ReproducibleEntries() {
    }

    /** {@code source} (a file or a directory's whole tree) at {@code destination}. */
    public static List<FileEntry> of(Path source, AbsoluteUnixPath destination) throws IOException {
        if (!Files.isDirectory(source)) {
            return List.of(file(source, destination));
        }
        List<FileEntry> entries = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(source, FileVisitOption.FOLLOW_LINKS)) {
            List<Path> paths = walk.sorted(Comparator.comparing(p -> unixPath(source.relativize(p)))).toList();
            for (Path path : paths) {
                String relative = unixPath(source.relativize(path));
                AbsoluteUnixPath target = relative.isEmpty() ? destination : destination.resolve(relative);
                entries.add(Files.isDirectory(path)
                        ? new FileEntry(path, target, DIRECTORY, FileEntriesLayer.DEFAULT_MODIFICATION_TIME)
                        : file(path, target));
            }
        }
        return entries;
    }

    public static FileEntry file(Path source, AbsoluteUnixPath destination) throws IOException {
        return new FileEntry(source, destination, ownerMayExecute(source) ? EXECUTABLE : REGULAR,
                FileEntriesLayer.DEFAULT_MODIFICATION_TIME);
    }

    private static boolean ownerMayExecute(Path file) throws IOException {
        return Files.getPosixFilePermissions(file).contains(PosixFilePermission.OWNER_EXECUTE);
    }

    private static String unixPath(Path relative) {
        return relative.toString().replace(relative.getFileSystem().getSeparator(), "/");
    }
}

package dev.slipway.packages.layer;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * The file tree of one layer, built up entry by entry and written as a reproducible tar.
 *
 * <p>Rules: a later entry replaces an earlier one at the same path, except that a directory
 * met again keeps its first metadata (dpkg does the same); a path below a symlink to a
 * directory is stored under the link's target (so merged-/usr symlinks work as with dpkg);
 * missing parent directories are added as {@code 0755 root:root}. The tar lists entries sorted
 * by path, every mtime is 1 second past the epoch (as Jib does), and hardlink groups are written
 * with the first path (in that order) carrying the bytes, so equal trees give equal bytes.
 */
public final class LayerTree {

    /** Jib's choice: a zero mtime is read as "unset" by some tools. */
    static final long MTIME_MILLIS = 1000L;
    private static final int MAX_LINK_HOPS = 40;

    private final Map<String, LayerEntry> entries = new TreeMap<>();

    /** Adds or replaces an entry, following the rules above. */
    public LayerTree add(LayerEntry entry) {
        LayerEntry e = entry.withPath(resolveParents(entry.path()));
        LayerEntry existing = entries.get(e.path());
        if (existing != null && existing.kind() == LayerEntry.Kind.DIRECTORY) {
            if (e.kind() == LayerEntry.Kind.DIRECTORY) {
                return this;
            }
            if (hasChildren(e.path())) {
                throw new IllegalArgumentException("/" + e.path() + " is a non-empty directory and cannot become a "
                        + e.kind().name().toLowerCase(java.util.Locale.ROOT));
            }
        }
        if (existing != null && existing.kind() == LayerEntry.Kind.SYMLINK && e.kind() == LayerEntry.Kind.DIRECTORY
                && isDirectory(resolveParents(linkTargetPath(e.path(), existing.linkTarget())), 0)) {
            return this; // a directory over a symlink to a directory keeps the symlink, like dpkg
        }
        entries.put(e.path(), e);
        return this;
    }

    public LayerTree addAll(Collection<LayerEntry> more) {
        more.forEach(this::add);
        return this;
    }

    /** The entry at {@code path} (resolved through symlinked parents), if any. */
    public java.util.Optional<LayerEntry> get(String path) {
        return java.util.Optional.ofNullable(entries.get(resolveParents(LayerEntry.normalise(path))));
    }

    /** All entries so far, sorted by path. */
    public List<LayerEntry> entries() {
        return List.copyOf(entries.values());
    }

    public List<LayerEntry> entries(Predicate<LayerEntry> filter) {
        return entries.values().stream().filter(filter).toList();
    }

    private boolean hasChildren(String dir) {
        String prefix = dir + "/";
        String next = ((TreeMap<String, LayerEntry>) entries).higherKey(prefix);
        return entries.containsKey(prefix) || (next != null && next.startsWith(prefix));
    }

    private boolean isDirectory(String path, int hops) {
        LayerEntry e = entries.get(path);
        if (e == null || hops > MAX_LINK_HOPS) {
            return false;
        }
        if (e.kind() == LayerEntry.Kind.SYMLINK) {
            return isDirectory(resolveParents(linkTargetPath(path, e.linkTarget())), hops + 1);
        }
        return e.kind() == LayerEntry.Kind.DIRECTORY;
    }

    private static String linkTargetPath(String linkPath, String target) {
        if (target.startsWith("/")) {
            return LayerEntry.normalise(target);
        }
        int slash = linkPath.lastIndexOf('/');
        String base = slash < 0 ? "" : linkPath.substring(0, slash);
        List<String> parts = new ArrayList<>(base.isEmpty() ? List.of() : List.of(base.split("/")));
        for (String s : target.split("/")) {
            if (s.equals("..")) {
                if (!parts.isEmpty()) {
                    parts.remove(parts.size() - 1);
                }
            } else if (!s.isEmpty() && !s.equals(".")) {
                parts.add(s);
            }
        }
        return String.join("/", parts);
    }

    /** Rewrites {@code lib/x/y} to {@code usr/lib/x/y} when {@code lib} is a symlink to {@code usr/lib}. */
    private String resolveParents(String path) {
        String current = path;
        for (int hops = 0; hops < MAX_LINK_HOPS; hops++) {
            String rewritten = null;
            int from = 0;
            int slash;
            while ((slash = current.indexOf('/', from)) >= 0) {
                String prefix = current.substring(0, slash);
                LayerEntry e = entries.get(prefix);
                if (e != null && e.kind() == LayerEntry.Kind.SYMLINK) {
                    String target = linkTargetPath(prefix, e.linkTarget());
                    rewritten = target.isEmpty() ? current.substring(slash + 1) : target + current.substring(slash);
                    break;
                }
                from = slash + 1;
            }
            if (rewritten == null) {
                return current;
            }
            current = rewritten;
        }
        throw new IllegalArgumentException("too many levels of symbolic links below /" + path);
    }

    /** The final list written to the tar: parents added, hardlink groups made order-independent. */
    List<LayerEntry> tarEntries() {
        Map<String, LayerEntry> all = new TreeMap<>(entries);
        for (String path : entries.keySet()) {
            for (int slash = path.indexOf('/'); slash >= 0; slash = path.indexOf('/', slash + 1)) {
                String parent = path.substring(0, slash);
                LayerEntry p = all.get(parent);
                if (p == null) {
                    all.put(parent, LayerEntry.directory(parent, 0755));
                } else if (p.kind() != LayerEntry.Kind.DIRECTORY) {
                    throw new IllegalArgumentException(
                            "/" + path + " is below /" + parent + ", which is not a directory");
                }
            }
        }
        // hardlink groups: the smallest path carries the bytes, the others link to it
        Map<String, List<String>> groups = new TreeMap<>();
        for (LayerEntry e : all.values()) {
            if (e.kind() == LayerEntry.Kind.HARDLINK) {
                String target = hardlinkRoot(all, e);
                groups.computeIfAbsent(target, k -> new ArrayList<>(List.of(k))).add(e.path());
            }
        }
        for (Map.Entry<String, List<String>> g : groups.entrySet()) {
            LayerEntry file = all.get(g.getKey());
            List<String> members = g.getValue().stream().sorted().toList();
            String first = members.get(0);
            for (String m : members) {
                LayerEntry meta = file.withPath(m);
                all.put(m, m.equals(first) ? meta : meta.asHardlinkTo(first));
            }
        }
        return List.copyOf(all.values());
    }

    private static String hardlinkRoot(Map<String, LayerEntry> all, LayerEntry link) {
        LayerEntry at = link;
        for (int hops = 0; hops < MAX_LINK_HOPS; hops++) {
            LayerEntry target = all.get(at.linkTarget());
            if (target == null) {
                throw new IllegalArgumentException("hardlink /" + link.path() + " points to /" + at.linkTarget()
                        + ", which is not in the layer");
            }
            if (target.kind() == LayerEntry.Kind.FILE) {
                return target.path();
            }
            if (target.kind() != LayerEntry.Kind.HARDLINK) {
                throw new IllegalArgumentException("hardlink /" + link.path() + " points to a " + target.kind());
            }
            at = target;
        }
        throw new IllegalArgumentException("hardlink loop at /" + link.path());
    }

    /** Writes the tar to {@code out} (left open) and returns its size and SHA-256. */
    public LayerDigest writeTar(OutputStream out) throws IOException {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
        CountingStream counting = new CountingStream(new DigestOutputStream(out, sha));
        TarArchiveOutputStream tar = new TarArchiveOutputStream(counting, "UTF-8");
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
        tar.setAddPaxHeadersForNonAsciiNames(true);
        for (LayerEntry e : tarEntries()) {
            tar.putArchiveEntry(toTar(e));
            if (e.kind() == LayerEntry.Kind.FILE) {
                e.content().writeTo(tar);
            }
            tar.closeArchiveEntry();
        }
        tar.finish();
        tar.flush();
        return new LayerDigest(counting.count, HexFormat.of().formatHex(sha.digest()));
    }

    /** Writes the tar to {@code file} atomically (via a sibling temporary file). */
    public LayerDigest writeTar(Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path partial = Files.createTempFile(dir, file.getFileName().toString(), ".partial");
        try {
            LayerDigest digest;
            try (OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(partial), 1 << 16)) {
                digest = writeTar(out);
            }
            Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return digest;
        } finally {
            Files.deleteIfExists(partial);
        }
    }

    private static TarArchiveEntry toTar(LayerEntry e) {
        TarArchiveEntry t;
        int type;
        switch (e.kind()) {
            case DIRECTORY -> {
                t = new TarArchiveEntry(e.path() + "/", TarConstants.LF_DIR);
                type = 0040000;
            }
            case SYMLINK -> {
                t = new TarArchiveEntry(e.path(), TarConstants.LF_SYMLINK);
                t.setLinkName(e.linkTarget());
                type = 0120000;
            }
            case HARDLINK -> {
                t = new TarArchiveEntry(e.path(), TarConstants.LF_LINK);
                t.setLinkName(e.linkTarget());
                type = 0100000;
            }
            default -> {
                t = new TarArchiveEntry(e.path(), TarConstants.LF_NORMAL);
                t.setSize(e.content().size());
                type = 0100000;
            }
        }
        t.setMode(type | e.mode());
        t.setUserId(e.uid());
        t.setGroupId(e.gid());
        t.setUserName(e.userName());
        t.setGroupName(e.groupName());
        t.setModTime(MTIME_MILLIS);
        return t;
    }

    private static final class CountingStream extends java.io.FilterOutputStream {
        long count;

        CountingStream(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
        }
    }
}

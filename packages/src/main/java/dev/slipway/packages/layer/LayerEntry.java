package dev.slipway.packages.layer;

import java.util.Objects;

/**
 * One entry of a layer: a path inside the image (normalised: no leading {@code /} or {@code ./},
 * no {@code .} or {@code ..} segments), its kind, full mode bits (including setuid, setgid and
 * sticky), owner, and content or link target. Timestamps are not part of it on purpose.
 */
public record LayerEntry(String path, Kind kind, int mode, int uid, int gid, String userName, String groupName,
        String linkTarget, LayerContent content) {

    /** What the entry is on disk. */
    public enum Kind {
        DIRECTORY, FILE, SYMLINK, HARDLINK
    }

    public LayerEntry {
        path = normalise(path);
        Objects.requireNonNull(kind, "kind");
        if (path.isEmpty()) {
            throw new IllegalArgumentException("an entry needs a path below /");
        }
        if ((mode & ~07777) != 0) {
            throw new IllegalArgumentException(
                    path + ": mode " + Integer.toOctalString(mode) + " has bits beyond 07777");
        }
        if (uid < 0 || gid < 0) {
            throw new IllegalArgumentException(path + ": negative uid or gid");
        }
        userName = userName == null ? "" : userName;
        groupName = groupName == null ? "" : groupName;
        linkTarget = linkTarget == null ? "" : linkTarget;
        switch (kind) {
            case SYMLINK -> {
                if (linkTarget.isEmpty()) {
                    throw new IllegalArgumentException(path + ": symlink without a target");
                }
            }
            case HARDLINK -> linkTarget = normalise(linkTarget);
            default -> {
                if (!linkTarget.isEmpty()) {
                    throw new IllegalArgumentException(path + ": only links have a target");
                }
            }
        }
        content = kind == Kind.FILE ? Objects.requireNonNull(content, "content") : LayerContent.EMPTY;
    }

    /** A root-owned regular file. */
    public static LayerEntry file(String path, int mode, byte[] content) {
        return new LayerEntry(path, Kind.FILE, mode, 0, 0, "root", "root", null, LayerContent.of(content));
    }

    /** A root-owned directory. */
    public static LayerEntry directory(String path, int mode) {
        return new LayerEntry(path, Kind.DIRECTORY, mode, 0, 0, "root", "root", null, null);
    }

    /** A root-owned symbolic link; the target is kept as written (relative or absolute). */
    public static LayerEntry symlink(String path, String target) {
        return new LayerEntry(path, Kind.SYMLINK, 0777, 0, 0, "root", "root", target, null);
    }

    LayerEntry withPath(String newPath) {
        return new LayerEntry(newPath, kind, mode, uid, gid, userName, groupName, linkTarget, content);
    }

    LayerEntry asHardlinkTo(String target) {
        return new LayerEntry(path, Kind.HARDLINK, mode, uid, gid, userName, groupName, target, null);
    }

    /** {@code ./usr/bin/} and {@code /usr/bin} both become {@code usr/bin}; {@code ..} is refused. */
    public static String normalise(String path) {
        Objects.requireNonNull(path, "path");
        StringBuilder out = new StringBuilder();
        for (String segment : path.split("/")) {
            if (segment.isEmpty() || segment.equals(".")) {
                continue;
            }
            if (segment.equals("..")) {
                throw new IllegalArgumentException("path escapes the root: '" + path + "'");
            }
            if (out.length() > 0) {
                out.append('/');
            }
            out.append(segment);
        }
        return out.toString();
    }

    @Override
    public String toString() {
        return kind + " /" + path + " " + Integer.toOctalString(mode) + " " + uid + ":" + gid
                + (linkTarget.isEmpty() ? "" : " -> " + linkTarget)
                + (kind == Kind.FILE ? " (" + content.size() + " bytes)" : "");
    }
}

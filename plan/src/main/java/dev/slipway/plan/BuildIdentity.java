package dev.slipway.plan;

import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What names one build of the fleet: the image tag ({@code YYYYMMDD-<short git sha>}) and the full git revision of
 * the definition's repository. The date is the commit's, not today's, so the same commit always plans the same.
 */
public record BuildIdentity(String tag, String revision) {
    private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,100}");

    public BuildIdentity {
        Objects.requireNonNull(revision, "revision");
        if (!TAG.matcher(tag).matches()) {
            throw new IllegalArgumentException("'" + tag + "' is not a valid image tag; expected [A-Za-z0-9_.-], "
                    + "at most 101 characters, not starting with '.' or '-'");
        }
    }

    public static BuildIdentity of(LocalDate commitDate, String revision) {
        String shortSha = revision.length() > 7 ? revision.substring(0, 7) : revision;
        return new BuildIdentity(commitDate.format(DateTimeFormatter.BASIC_ISO_DATE) + "-" + shortSha, revision);
    }

    public BuildIdentity withTag(String newTag) {
        return new BuildIdentity(newTag, revision);
    }
}

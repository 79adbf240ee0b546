package dev.slipway.runner;

import java.util.Optional;
import picocli.CommandLine.Option;

/** {@code --tag}: the image tag of the build a command works on. */
final class TagOption {
    @Option(names = "--tag", paramLabel = "TAG", description = "Image tag. Default: YYYYMMDD-<short sha> of the definition's git HEAD commit.")
    String tag;

    Optional<String> tag() {
        return Optional.ofNullable(tag);
    }
}

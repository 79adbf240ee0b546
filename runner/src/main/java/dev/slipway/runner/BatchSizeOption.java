package dev.slipway.runner;

import java.util.OptionalInt;
import picocli.CommandLine.Option;

/** {@code --batch-size}: checked here, at the edge, once. */
final class BatchSizeOption {
    @Option(names = "--batch-size", paramLabel = "N", description = "Instances per batch after the canary wave. Default: the fleet's rollout setting.")
    Integer batchSize;

    OptionalInt batchSize() {
        if (batchSize == null) {
            return OptionalInt.empty();
        }
        if (batchSize < 1) {
            throw new UserError("--batch-size: " + batchSize + " is not positive; expected 1 or more");
        }
        return OptionalInt.of(batchSize);
    }
}

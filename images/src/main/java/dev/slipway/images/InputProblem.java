package dev.slipway.images;

import java.nio.file.Path;

/**
 * Something wrong with a build's inputs, found before any image work: whose, which input (a local path, or a
 * registry base image's reference), what is wrong.
 */
public record InputProblem(String subject, String input, String problem) {

    public InputProblem(String subject, Path path, String problem) {
        this(subject, path.toString(), problem);
    }

    @Override
    public String toString() {
        return subject + ": " + input + " " + problem;
    }
}

package dev.slipway.images;

import java.nio.file.Path;

/** Something wrong with a build's local inputs, found before any image work: whose, which path, what is wrong. */
public record InputProblem(String subject, Path path, String problem) {
    @Override
    public String toString() {
        return subject + ": " + path + " " + problem;
    }
}

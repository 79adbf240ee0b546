package dev.slipway.packages.debian;

import java.util.Objects;

/** Something wrong with one package of one family; collected, then reported all at once. */
public record PackageProblem(String family, String packageName, String detail) {

    public PackageProblem {
        Objects.requireNonNull(family, "family");
        Objects.requireNonNull(packageName, "packageName");
        Objects.requireNonNull(detail, "detail");
    }

    /** {@code family 'base-python': package 'nosuch' is not in the index (…)}. */
    public String message() {
        return "family '" + family + "': package '" + packageName + "' " + detail;
    }

    @Override
    public String toString() {
        return message();
    }
}

package dev.slipway.packages.debian;

import java.util.List;
import java.util.stream.Collectors;

/** Thrown at the edge, when collected problems stop a step; carries every one of them. */
public final class PackageProblems extends RuntimeException {

    private final transient List<PackageProblem> problems;

    public PackageProblems(List<PackageProblem> problems) {
        super(problems.stream().map(PackageProblem::message).collect(Collectors.joining("\n")));
        this.problems = List.copyOf(problems);
    }

    public List<PackageProblem> problems() {
        return problems;
    }
}

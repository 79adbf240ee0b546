package dev.slipway.plan;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Orders instances so each comes after the instances (in the same list) of the services it depends on. */
final class StartOrder {
    private StartOrder() {
    }

    /**
     * A stable topological order: declared order wherever dependencies allow. The rules refuse cycles, so every
     * round places at least one instance.
     */
    static List<Instance> sort(List<Instance> instances, Map<String, List<String>> dependencies) {
        Set<String> present = new HashSet<>();
        instances.forEach(i -> present.add(i.service()));
        List<Instance> remaining = new ArrayList<>(instances);
        List<Instance> ordered = new ArrayList<>(instances.size());
        Set<String> unplaced = new HashSet<>();
        remaining.forEach(i -> unplaced.add(i.service()));
        while (!remaining.isEmpty()) {
            Instance next = null;
            for (Instance candidate : remaining) {
                boolean ready = dependencies.getOrDefault(candidate.service(), List.of()).stream()
                        .noneMatch(dependency -> present.contains(dependency) && unplaced.contains(dependency)
                                && !dependency.equals(candidate.service()));
                if (ready) {
                    next = candidate;
                    break;
                }
            }
            if (next == null) {
                throw new IllegalStateException("dependency cycle among " + remaining); // the rules refuse cycles
            }
            remaining.remove(next);
            ordered.add(next);
            Instance placed = next;
            if (remaining.stream().noneMatch(i -> i.service().equals(placed.service()))) {
                unplaced.remove(placed.service());
            }
        }
        return ordered;
    }
}

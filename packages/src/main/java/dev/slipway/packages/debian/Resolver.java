package dev.slipway.packages.debian;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Computes the full Depends + Pre-Depends closure of the packages a family asks for.
 *
 * <p>One version per package name, the newest that satisfies the first constraint met; of
 * alternatives {@code a | b}, one already chosen wins, else the first satisfiable one. Virtual
 * names are satisfied through Provides. Recommends and Suggests are ignored, Essential packages
 * are not added implicitly (a family lists what it wants), and maintainer scripts never run.
 */
public final class Resolver {

    private final PackageIndex index;

    public Resolver(PackageIndex index) {
        this.index = Objects.requireNonNull(index, "index");
    }

    private record Pending(List<Relation> alternatives, String neededBy) {
    }

    /** Resolves {@code requested} (names, optionally with a constraint: {@code "libc6 (>= 2.36)"}). */
    public Resolution resolve(String family, List<String> requested) {
        Objects.requireNonNull(family, "family");
        Map<String, DebianPackage> chosen = new TreeMap<>();
        Deque<Pending> queue = new ArrayDeque<>();
        // key: the unsatisfied group as written; value: who needed it, in order met
        Map<String, Set<String>> unsatisfied = new LinkedHashMap<>();
        Map<String, List<Relation>> unsatisfiedGroups = new LinkedHashMap<>();
        for (String r : requested) {
            queue.add(new Pending(List.of(Relation.parse(r)), null));
        }
        while (!queue.isEmpty()) {
            Pending item = queue.poll();
            if (item.alternatives.stream().anyMatch(r -> satisfiedBy(chosen, r))) {
                continue;
            }
            Optional<DebianPackage> pick = item.alternatives.stream()
                    .map(r -> candidate(chosen, r)).flatMap(Optional::stream).findFirst();
            if (pick.isPresent()) {
                DebianPackage p = pick.get();
                chosen.put(p.name(), p);
                for (List<Relation> group : p.allDependencies()) {
                    queue.add(new Pending(group, p.name() + " " + p.version()));
                }
            } else {
                String key = item.alternatives.stream().map(Relation::toString).collect(Collectors.joining(" | "));
                unsatisfiedGroups.putIfAbsent(key, item.alternatives);
                unsatisfied.computeIfAbsent(key, k -> new TreeSet<>())
                        .add(item.neededBy == null ? "" : item.neededBy);
            }
        }
        List<PackageProblem> problems = new ArrayList<>();
        unsatisfied.forEach((key, needers) -> problems.add(explain(family, unsatisfiedGroups.get(key), needers)));
        return new Resolution(family, index.source(), index.provenance(), List.copyOf(chosen.values()), problems);
    }

    private boolean satisfiedBy(Map<String, DebianPackage> chosen, Relation r) {
        DebianPackage real = chosen.get(r.name());
        if (real != null && r.admits(real.name(), real.version())) {
            return true;
        }
        return chosen.values().stream().anyMatch(p -> provides(p, r));
    }

    /** A versioned dependency on a virtual name needs a versioned Provides ({@code foo (= 1.0)}). */
    private static boolean provides(DebianPackage p, Relation r) {
        return p.provides().stream().anyMatch(pr -> pr.name().equals(r.name())
                && (r.constraint().isEmpty()
                        || pr.constraint().map(c -> r.constraint().get().admits(c.version())).orElse(false)));
    }

    private Optional<DebianPackage> candidate(Map<String, DebianPackage> chosen, Relation r) {
        if (!chosen.containsKey(r.name())) {
            for (DebianPackage p : index.named(r.name())) {
                if (r.admits(p.name(), p.version())) {
                    return Optional.of(p);
                }
            }
        }
        return index.providing(r.name()).stream()
                .filter(p -> !chosen.containsKey(p.name()) && provides(p, r))
                .findFirst();
    }

    private PackageProblem explain(String family, List<Relation> group, Set<String> needers) {
        String where = "(" + index.source().describe() + ")";
        String others = needers.stream().filter(n -> !n.isEmpty())
                .map(n -> "'" + n + "'").collect(Collectors.joining(", "));
        String by = others.isEmpty()
                ? ""
                : (needers.contains("") ? ", requested and needed by " : ", needed by ") + others;
        if (group.size() > 1) {
            String names = group.stream().map(Relation::toString).collect(Collectors.joining(" | "));
            return new PackageProblem(family, group.get(0).name(),
                    "and its alternatives: none of '" + names + "' can be satisfied from the index " + where + by);
        }
        Relation r = group.get(0);
        List<DebianPackage> present = index.named(r.name());
        if (present.isEmpty() && index.providing(r.name()).isEmpty()) {
            return new PackageProblem(family, r.name(), "is not in the index " + where + by);
        }
        String have = present.stream().map(p -> p.version().toString()).distinct().collect(Collectors.joining(", "));
        return new PackageProblem(family, r.name(), "cannot satisfy " + r + "; the index has "
                + (have.isEmpty() ? "only providers " + index.providing(r.name()) : have) + " " + where + by);
    }
}

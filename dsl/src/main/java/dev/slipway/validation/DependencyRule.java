package dev.slipway.validation;

import dev.slipway.dsl.FleetSpec;
import dev.slipway.dsl.Service;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Every dependency is a service of this fleet, and dependencies form no cycle (each cycle named once). */
final class DependencyRule implements Rule {

    @Override
    public void check(FleetSpec fleet, List<Problem> problems) {
        if (fleet.services().stream().allMatch(s -> s.runtime().dependsOn().isEmpty())) {
            return;
        }
        Map<String, List<String>> graph = new LinkedHashMap<>();
        fleet.services().forEach(s -> graph.put(s.name(), s.runtime().dependsOn()));
        for (Service service : fleet.services()) {
            for (String dependency : service.runtime().dependsOn()) {
                if (dependency.equals(service.name())) {
                    problems.add(Problem.service(service.name(), "dependsOn", "depends on itself; expected "
                            + "another service of fleet " + fleet.name()));
                } else if (!graph.containsKey(dependency)) {
                    problems.add(Problem.service(service.name(), "dependsOn", "'" + dependency
                            + "' is not a service of fleet " + fleet.name() + "; expected a declared service"));
                }
            }
        }
        Map<String, Integer> state = new HashMap<>();
        Set<String> reported = new HashSet<>();
        for (String start : graph.keySet()) {
            visit(start, graph, state, new ArrayList<>(), reported, fleet.name(), problems);
        }
    }

    /** Depth-first; state 1 = on the current path, 2 = done. */
    private static void visit(String node, Map<String, List<String>> graph, Map<String, Integer> state,
            List<String> path, Set<String> reported, String fleet, List<Problem> problems) {
        Integer seen = state.get(node);
        if (seen != null && seen == 2) {
            return;
        }
        if (seen != null && seen == 1) {
            List<String> cycle = new ArrayList<>(path.subList(path.indexOf(node), path.size()));
            String key = new java.util.TreeSet<>(cycle).toString();
            if (reported.add(key)) {
                cycle.add(node);
                problems.add(Problem.service(cycle.get(0), "dependsOn", "dependency cycle " + String.join(" -> ",
                        cycle) + "; expected services to depend on each other without a cycle"));
            }
            return;
        }
        state.put(node, 1);
        path.add(node);
        for (String next : graph.getOrDefault(node, List.of())) {
            if (graph.containsKey(next) && !next.equals(node)) {
                visit(next, graph, state, path, reported, fleet, problems);
            }
        }
        path.remove(path.size() - 1);
        state.put(node, 2);
    }
}

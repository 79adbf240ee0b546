package dev.slipway.render;

import dev.slipway.plan.Instance;
import dev.slipway.plan.Wave;
import dev.slipway.rollout.Action;
import dev.slipway.rollout.InstanceChange;
import dev.slipway.render.FleetPicture.FamilyNode;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * {@code plan --dot}: the family tree (base, families, services) and the rollout waves as one Graphviz digraph,
 * instances filled by the live plan's action when there is one. Same picture, same bytes.
 */
public final class DotGraph {
    private static final Map<Action, String> FILL = Map.of(Action.CREATE, "#dff1e3", Action.UPDATE, "#fdf0d5",
            Action.UNCHANGED, "#eef0f3", Action.REMOVE, "#fbe2e2");

    private DotGraph() {
    }

    public static String render(FleetPicture picture) {
        StringBuilder dot = new StringBuilder(16 * 1024);
        dot.append("digraph ").append(quote(picture.plan().fleet())).append(" {\n")
                .append("  graph [rankdir=LR, compound=true, fontname=\"Helvetica\", label=")
                .append(quote("fleet " + picture.plan().fleet() + ", tag " + picture.plan().tag()))
                .append(", labelloc=t];\n")
                .append("  node [shape=box, style=\"rounded,filled\", fillcolor=\"#ffffff\", fontname=\"Helvetica\", ")
                .append("fontsize=11];\n  edge [color=\"#5b6574\", fontname=\"Helvetica\", fontsize=10];\n");
        dot.append("  subgraph cluster_families {\n    label=\"family tree\";\n");
        for (String base : picture.rootBases()) {
            dot.append("    ").append(quote("base:" + base)).append(" [label=").append(quote(base))
                    .append(", shape=note, fillcolor=\"#eef1f5\"];\n");
        }
        for (FamilyNode family : picture.families()) {
            FamilyContents contents = picture.contents(family.name());
            StringBuilder label = new StringBuilder(family.name());
            if (contents.debianRequested() > 0) {
                label.append("\n").append(contents.debianLocked().map(n -> n + " Debian packages")
                        .orElse(contents.debianRequested() + " Debian packages asked"));
            }
            if (contents.wheelLock()) {
                label.append("\n").append(contents.wheels().map(n -> n + " wheels").orElse("wheel lock not made yet"));
            }
            dot.append("    ").append(quote("family:" + family.name())).append(" [label=")
                    .append(quote(label.toString())).append(", fillcolor=\"#e7edf6\"];\n");
            dot.append("    ").append(quote(family.parent().map(p -> "family:" + p).orElse("base:" + family.base())))
                    .append(" -> ").append(quote("family:" + family.name())).append(";\n");
            for (String service : family.services()) {
                dot.append("    ").append(quote("service:" + service)).append(" [label=").append(quote(service))
                        .append(", shape=ellipse];\n    ").append(quote("family:" + family.name())).append(" -> ")
                        .append(quote("service:" + service)).append(";\n");
            }
        }
        dot.append("  }\n");
        List<Wave> waves = picture.plan().rollout().waves();
        for (Wave wave : waves) {
            dot.append("  subgraph cluster_wave_").append(wave.number()).append(" {\n    label=")
                    .append(quote("wave " + wave.number() + " (" + wave.kind().name().toLowerCase(Locale.ROOT) + ")"))
                    .append(";\n");
            for (Instance instance : wave.instances()) {
                Optional<InstanceChange> change = picture.change(instance.id());
                dot.append("    ").append(quote(instance.id().toString())).append(" [label=")
                        .append(quote(
                                instance.id().toString() + change.map(c -> "\n" + HtmlPage.actionClass(c.action()))
                                        .orElse("")))
                        .append(", fillcolor=").append(quote(change.map(c -> FILL.get(c.action())).orElse("#ffffff")))
                        .append("];\n");
            }
            dot.append("  }\n");
        }
        for (int i = 1; i < waves.size(); i++) {
            Wave from = waves.get(i - 1);
            Wave to = waves.get(i);
            dot.append("  ").append(quote(from.instances().get(0).id().toString())).append(" -> ")
                    .append(quote(to.instances().get(0).id().toString())).append(" [ltail=cluster_wave_")
                    .append(from.number()).append(", lhead=cluster_wave_").append(to.number())
                    .append(", label=\"then\"];\n");
        }
        List<InstanceChange> removals = picture.removals();
        if (!removals.isEmpty()) {
            dot.append("  subgraph cluster_removed {\n    label=\"removed (not in the definition)\";\n");
            for (InstanceChange removal : removals) {
                dot.append("    ").append(quote(removal.id().toString())).append(" [label=")
                        .append(quote(removal.id() + "\nremove")).append(", fillcolor=")
                        .append(quote(FILL.get(Action.REMOVE))).append("];\n");
            }
            dot.append("  }\n");
        }
        return dot.append("}\n").toString();
    }

    /** A DOT double-quoted string; a newline becomes the label line break {@code \n}. */
    static String quote(String text) {
        return "\"" + escape(text).replace("\n", "\\n") + "\"";
    }

    private static String escape(String text) {
        return text.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}

package dev.slipway.render;

import dev.slipway.model.Port;
import dev.slipway.plan.FleetPlan;
import dev.slipway.plan.ImagePlan;
import dev.slipway.plan.Instance;
import dev.slipway.plan.InstancePlan;
import dev.slipway.plan.LayerPlan;
import dev.slipway.plan.Wave;
import dev.slipway.rollout.Action;
import dev.slipway.rollout.InstanceChange;
import dev.slipway.rollout.LivePlan;
import dev.slipway.render.BuildOutput.BuiltLayer;
import dev.slipway.render.FleetPicture.FamilyNode;
import dev.slipway.render.FleetPicture.GpuBudget;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * {@code plan --html}: one self-contained page (inline CSS and SVG, a few lines of script to filter by service
 * name, nothing fetched) with the family tree, each machine's ports and GPU budget, and the rollout waves coloured
 * by the live plan. The same picture gives the same bytes: everything is drawn in plan order, nothing is dated.
 */
public final class HtmlPage {
    private static final int NODE_WIDTH = 240;
    private static final int NODE_HEIGHT = 74;
    private static final int NODE_GAP = 18;
    private static final int LEVEL_GAP = 36;
    private static final int BAR_WIDTH = 560;

    private final FleetPicture picture;
    private final StringBuilder html = new StringBuilder(64 * 1024);

    private HtmlPage(FleetPicture picture) {
        this.picture = picture;
    }

    public static String render(FleetPicture picture) {
        return new HtmlPage(picture).page();
    }

    private String page() {
        FleetPlan plan = picture.plan();
        html.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>Fleet ").append(esc(plan.fleet())).append(" · ").append(esc(plan.tag()))
                .append("</title>\n<style>\n").append(STYLE).append("</style>\n</head>\n<body>\n");
        header();
        familySection();
        machineSection();
        rolloutSection();
        html.append("<footer>Drawn by <code>slipway plan --html</code> from the plan of tag ")
                .append(esc(plan.tag())).append("; the plan is the source, this page only shows it.</footer>\n");
        html.append("<script>\n").append(SCRIPT).append("</script>\n</body>\n</html>\n");
        return html.toString();
    }

    private void header() {
        FleetPlan plan = picture.plan();
        long services = plan.instances().stream().map(InstancePlan::service).distinct().count();
        html.append("<header>\n<h1>Fleet <span class=\"fleet-name\">").append(esc(plan.fleet()))
                .append("</span></h1>\n")
                .append("<p class=\"summary\">tag <code>").append(esc(plan.tag())).append("</code> · revision <code>")
                .append(esc(plan.build().revision())).append("</code> · registry <code>").append(esc(plan.registry()))
                .append("</code><br>").append(picture.families().size()).append(" families · ").append(services)
                .append(" services · ").append(plan.instances().size()).append(" instances on ")
                .append(plan.machines().size()).append(" machines · ").append(plan.rollout().waves().size())
                .append(" waves");
        picture.build().ifPresent(b -> html.append(" · build output <code>").append(esc(b.directory().toString()))
                .append("</code> (").append(b.digests().size()).append(" images)"));
        html.append("</p>\n");
        picture.live().ifPresent(this::liveSummary);
        html.append("<label class=\"filter\">Filter by service name <input id=\"filter\" type=\"search\" ")
                .append("placeholder=\"e.g. audio\" autocomplete=\"off\"></label> <span id=\"matches\"></span>\n")
                .append("<nav><a href=\"#families\">Family tree</a> <a href=\"#machines\">Machines and ports</a> ")
                .append("<a href=\"#rollout\">Rollout</a></nav>\n</header>\n");
    }

    private void liveSummary(LivePlan live) {
        html.append("<p class=\"live-summary\">Against the hosts:");
        for (Action action : Action.values()) {
            html.append(" <span class=\"chip action-").append(actionClass(action)).append("\">")
                    .append(live.count(action)).append(' ').append(actionClass(action)).append("</span>");
        }
        html.append("</p>\n");
    }

    // ---------------------------------------------------------------- family tree

    private void familySection() {
        html.append("<section id=\"families\">\n<h2>Family tree</h2>\n");
        familyTree();
        html.append("<div class=\"family-cards\">\n");
        for (FamilyNode family : picture.families()) {
            familyCard(family);
        }
        html.append("</div>\n</section>\n");
    }

    /** A tidy tree: leaves side by side, each parent centred over its children; bases on top. */
    private void familyTree() {
        List<TreeNode> roots = new ArrayList<>();
        for (String base : picture.rootBases()) {
            TreeNode root = new TreeNode(null, base);
            picture.children(Optional.empty(), base).forEach(f -> root.children.add(subtree(f)));
            roots.add(root);
        }
        int[] nextLeaf = {0};
        int depth = 0;
        for (TreeNode root : roots) {
            depth = Math.max(depth, place(root, 0, nextLeaf));
        }
        int width = Math.max(1, nextLeaf[0]) * (NODE_WIDTH + NODE_GAP) + NODE_GAP;
        int height = (depth + 1) * (NODE_HEIGHT + LEVEL_GAP) + LEVEL_GAP / 2;
        html.append("<div class=\"scroll\"><svg class=\"family-tree\" xmlns=\"http://www.w3.org/2000/svg\" width=\"")
                .append(width).append("\" height=\"").append(height).append("\" viewBox=\"0 0 ").append(width)
                .append(' ').append(height).append("\" role=\"img\" aria-label=\"family tree\">\n");
        for (TreeNode root : roots) {
            edges(root);
        }
        for (TreeNode root : roots) {
            nodes(root);
        }
        html.append("</svg></div>\n");
    }

    private static final class TreeNode {
        final FamilyNode family;
        final String base;
        final List<TreeNode> children = new ArrayList<>();
        int x;
        int y;

        TreeNode(FamilyNode family, String base) {
            this.family = family;
            this.base = base;
        }
    }

    private TreeNode subtree(FamilyNode family) {
        TreeNode node = new TreeNode(family, family.base());
        picture.children(Optional.of(family.name()), family.base()).forEach(c -> node.children.add(subtree(c)));
        return node;
    }

    /** Sets x and y of the subtree; returns its deepest level. */
    private static int place(TreeNode node, int level, int[] nextLeaf) {
        node.y = LEVEL_GAP / 2 + level * (NODE_HEIGHT + LEVEL_GAP);
        if (node.children.isEmpty()) {
            node.x = NODE_GAP + nextLeaf[0]++ * (NODE_WIDTH + NODE_GAP);
            return level;
        }
        int deepest = level;
        for (TreeNode child : node.children) {
            deepest = Math.max(deepest, place(child, level + 1, nextLeaf));
        }
        node.x = (node.children.get(0).x + node.children.get(node.children.size() - 1).x) / 2;
        return deepest;
    }

    private void edges(TreeNode node) {
        for (TreeNode child : node.children) {
            int x1 = node.x + NODE_WIDTH / 2;
            int y1 = node.y + NODE_HEIGHT;
            int x2 = child.x + NODE_WIDTH / 2;
            int y2 = child.y;
            int mid = (y1 + y2) / 2;
            html.append("<path class=\"edge\" d=\"M").append(x1).append(' ').append(y1).append(" V").append(mid)
                    .append(" H").append(x2).append(" V").append(y2).append("\"/>\n");
            edges(child);
        }
    }

    private void nodes(TreeNode node) {
        if (node.family == null) {
            html.append("<g class=\"node base\"><title>").append(esc(node.base)).append("</title><rect x=\"")
                    .append(node.x).append("\" y=\"").append(node.y).append("\" width=\"").append(NODE_WIDTH)
                    .append("\" height=\"").append(NODE_HEIGHT).append("\" rx=\"6\"/>");
            text(node, 22, "name", "base");
            text(node, 42, "detail", shorten(node.base, 34));
            html.append("</g>\n");
        } else {
            FamilyNode family = node.family;
            html.append("<a href=\"#family-").append(esc(id(family.name()))).append("\"><g class=\"node family\" ")
                    .append("data-family=\"").append(esc(family.name())).append("\"><title>")
                    .append(esc(family.image().image().text())).append("</title><rect x=\"").append(node.x)
                    .append("\" y=\"").append(node.y).append("\" width=\"").append(NODE_WIDTH).append("\" height=\"")
                    .append(NODE_HEIGHT).append("\" rx=\"6\"/>");
            text(node, 19, "name", shorten(family.name(), 28));
            int below = servicesBelow(node) - family.services().size();
            text(node, 36, "detail", plural(family.services().size(), "service") + (below > 0
                    ? " (+" + below
                            + " below)"
                    : ""));
            String contents = contentsLine(family.name());
            text(node, 51, "detail", contents.isEmpty() ? "installs nothing itself" : contents.substring(3));
            Optional<String> size = addedSize(family);
            text(node, 66, "detail", size.orElse(picture.build().isPresent() ? "not in the build output" : ""));
            html.append("</g></a>\n");
        }
        node.children.forEach(this::nodes);
    }

    private static int servicesBelow(TreeNode node) {
        int count = node.family == null ? 0 : node.family.services().size();
        for (TreeNode child : node.children) {
            count += servicesBelow(child);
        }
        return count;
    }

    private void text(TreeNode node, int dy, String cssClass, String text) {
        html.append("<text class=\"").append(cssClass).append("\" x=\"").append(node.x + 10).append("\" y=\"")
                .append(node.y + dy).append("\">").append(esc(text)).append("</text>");
    }

    private String contentsLine(String family) {
        FamilyContents contents = picture.contents(family);
        StringBuilder line = new StringBuilder();
        if (contents.debianRequested() > 0) {
            line.append(" · ").append(contents.debianLocked().map(n -> plural(n, "package"))
                    .orElse(plural(contents.debianRequested(), "package") + " asked"));
        }
        if (contents.wheelLock()) {
            line.append(" · ").append(contents.wheels().map(n -> plural(n, "wheel")).orElse("wheel lock not made yet"));
        }
        return line.toString();
    }

    /** "adds 3 layers, 12.4 MiB (image 80.1 MiB)", from the build's tarballs. */
    private Optional<String> addedSize(FamilyNode family) {
        return picture.build().flatMap(build -> {
            String image = family.image().image().text();
            Optional<String> parent = family.parent().isPresent() ? Optional.of(family.base()) : Optional.empty();
            return build.addedOver(image, parent).map(added -> "adds " + plural(added.size(), "layer") + ", "
                    + bytes(added.stream().mapToLong(BuiltLayer::size).sum()) + " (image "
                    + bytes(build.sizeOf(image).orElse(0L)) + ")");
        });
    }

    private void familyCard(FamilyNode family) {
        ImagePlan image = family.image();
        html.append("<div class=\"family-card\" id=\"family-").append(esc(id(family.name()))).append("\">\n<h3>")
                .append(esc(family.name())).append("</h3>\n<dl>\n<dt>image</dt><dd><code>")
                .append(esc(image.image().text())).append("</code>");
        picture.build().flatMap(b -> Optional.ofNullable(b.digests().get(image.image().text())))
                .ifPresent(d -> html.append(" <code class=\"digest\">").append(esc(shortDigest(d))).append("</code>"));
        html.append("</dd>\n<dt>").append(family.parent().isPresent() ? "parent" : "base").append("</dt><dd>");
        if (family.parent().isPresent()) {
            html.append("<a href=\"#family-").append(esc(id(family.parent().get()))).append("\">")
                    .append(esc(family.parent().get())).append("</a>");
        } else {
            html.append("<code>").append(esc(family.base())).append("</code>");
        }
        html.append("</dd>\n");
        FamilyContents contents = picture.contents(family.name());
        if (contents.installsAnything()) {
            html.append("<dt>installs</dt><dd>").append(esc(contentsLine(family.name()).substring(3)))
                    .append("</dd>\n");
        }
        if (!image.layers().isEmpty()) {
            html.append("<dt>layers</dt><dd><ul class=\"layers\">");
            for (LayerPlan layer : image.layers()) {
                html.append("<li><span class=\"layer-kind\">").append(esc(layer.kind())).append("</span> ")
                        .append(esc(shorten(layer.source(), 90))).append(" → <code>").append(esc(layer.destination()))
                        .append("</code></li>");
            }
            html.append("</ul></dd>\n");
        }
        Optional<String> size = addedSize(family);
        picture.build().ifPresent(build -> {
            html.append("<dt>built</dt><dd>").append(esc(size.orElse("not in the build output")));
            Optional<String> parent = family.parent().isPresent() ? Optional.of(family.base()) : Optional.empty();
            build.addedOver(image.image().text(), parent).filter(l -> l.size() > 1)
                    .ifPresent(layers -> html.append(": ").append(esc(layers.stream().map(l -> bytes(l.size()))
                            .collect(Collectors.joining(", ")))));
            html.append("</dd>\n");
        });
        html.append("</dl>\n<div class=\"chips\">");
        for (String service : family.services()) {
            html.append("<span class=\"chip service\" data-service=\"").append(esc(service)).append("\">")
                    .append(esc(service)).append("</span>");
        }
        if (family.services().isEmpty()) {
            html.append("<span class=\"none\">no service builds on it directly</span>");
        }
        html.append("</div>\n</div>\n");
    }

    // ---------------------------------------------------------------- machines

    private void machineSection() {
        html.append("<section id=\"machines\">\n<h2>Machines and ports</h2>\n<div class=\"machines\">\n");
        for (String machine : picture.plan().machines()) {
            machineCard(machine);
        }
        html.append("</div>\n</section>\n");
    }

    private void machineCard(String machine) {
        List<InstancePlan> instances = picture.plan().on(machine);
        Optional<GpuBudget> gpu = picture.gpuBudget(machine);
        html.append("<div class=\"machine\" id=\"machine-").append(esc(id(machine))).append("\" data-machine=\"")
                .append(esc(machine)).append("\">\n<h3>").append(esc(machine));
        gpu.ifPresent(
                g -> html.append(" <small>").append(esc(g.gpuModel())).append(", ").append(esc(g.card().toString()))
                        .append("</small>"));
        html.append(" <small>· ").append(plural(instances.size(), "instance")).append("</small></h3>\n");
        gpu.ifPresent(this::gpuBar);
        boolean live = picture.live().isPresent();
        boolean built = picture.build().isPresent();
        html.append("<table class=\"ports\">\n<thead><tr><th>service</th><th>family</th><th>service port</th>")
                .append("<th>health port</th><th>GPU</th><th>volumes</th>");
        if (built) {
            html.append("<th>image size</th>");
        }
        if (live) {
            html.append("<th>live</th>");
        }
        html.append("</tr></thead>\n<tbody>\n");
        for (InstancePlan instance : instances) {
            Optional<ImagePlan> image = picture.image(instance.image().text());
            String family = image.flatMap(picture::familyOf).map(ImagePlan::name).orElse("");
            Port health = instance.healthCheck().port();
            html.append("<tr data-service=\"").append(esc(instance.service())).append("\" id=\"instance-")
                    .append(esc(id(instance.id().toString()))).append("\"><td class=\"service\">")
                    .append(esc(instance.service())).append("</td><td>").append(esc(family)).append("</td><td>");
            for (Port port : instance.ports()) {
                if (!port.equals(health)) {
                    html.append("<span class=\"port service-port\">").append(port.number()).append("</span> ");
                }
            }
            html.append("</td><td><span class=\"port health-port\">").append(health.number())
                    .append("</span> <small>GET ").append(esc(instance.healthCheck().path())).append("</small></td>")
                    .append("<td class=\"gpu\">").append(esc(gpuText(instance))).append("</td><td class=\"volumes\">");
            if (instance.runtime().mounts().isEmpty()) {
                html.append("—");
            }
            instance.runtime().mounts().forEach(m -> html.append("<span class=\"mount\">").append(esc(m.toString()))
                    .append("</span>"));
            html.append("</td>");
            if (built) {
                html.append("<td class=\"image-size\">")
                        .append(esc(picture.build().get().sizeOf(instance.image().text())
                                .map(HtmlPage::bytes).orElse("not built")))
                        .append("</td>");
            }
            if (live) {
                Optional<InstanceChange> change = picture.change(instance.id());
                html.append("<td>").append(change.map(c -> "<span class=\"chip action-" + actionClass(c.action())
                        + "\" title=\"" + esc(c.reason()) + "\">" + actionClass(c.action()) + "</span>")
                        .orElse("")).append("</td>");
            }
            html.append("</tr>\n");
        }
        html.append("</tbody>\n</table>\n</div>\n");
    }

    /** The GPUs the container gets (runtime settings) and the memory its service reserves, e.g. "all · 8 GiB". */
    private static String gpuText(InstancePlan instance) {
        List<String> parts = new ArrayList<>();
        instance.runtime().gpuDevices().ifPresent(ids -> parts.add(ids.isEmpty()
                ? "all"
                : "device "
                        + String.join(",", ids)));
        instance.gpuMemory().ifPresent(memory -> parts.add(memory + " reserved"));
        return parts.isEmpty() ? "—" : String.join(" · ", parts);
    }

    /** The card's memory as a bar: each reservation a segment, the budget a dashed line; red when over it. */
    private void gpuBar(GpuBudget gpu) {
        long card = gpu.card().bytes();
        long promised = gpu.promised().bytes();
        long scale = Math.max(Math.max(card, promised), 1);
        String state = gpu.overBudget() ? "over" : gpu.nearBudget() ? "near" : "ok";
        html.append("<div class=\"gpu-budget ").append(state).append("\" data-machine=\"").append(esc(gpu.machine()))
                .append("\">\n<p class=\"gpu-figures\">GPU memory promised: <strong>")
                .append(esc(gpu.promised().toString()))
                .append("</strong> of a ").append(esc(gpu.budget().toString())).append(" budget (")
                .append(gpu.evictThresholdPct()).append("% of ").append(esc(gpu.card().toString())).append(", ")
                .append(percent(promised, gpu.budget().bytes())).append(" used)");
        if (gpu.overBudget()) {
            html.append(" — <strong class=\"over-budget\">over budget by ")
                    .append(esc(bytes(promised - gpu.budget().bytes()))).append("</strong>");
        }
        html.append("</p>\n<svg class=\"gpu-bar\" xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(BAR_WIDTH)
                .append("\" height=\"40\" viewBox=\"0 0 ").append(BAR_WIDTH).append(" 40\">")
                .append("<rect class=\"card\" x=\"0\" y=\"8\" width=\"").append(scaled(card, scale))
                .append("\" height=\"22\"/>");
        long offset = 0;
        int n = 0;
        for (InstancePlan instance : gpu.reserving()) {
            long size = instance.gpuMemory().orElseThrow().bytes();
            html.append("<rect class=\"reserved r").append(n++ % 2).append("\" data-service=\"")
                    .append(esc(instance.service())).append("\" x=\"").append(scaled(offset, scale))
                    .append("\" y=\"8\" width=\"").append(Math.max(1, scaled(size, scale)))
                    .append("\" height=\"22\"><title>").append(esc(instance.service())).append(": ")
                    .append(esc(instance.gpuMemory().get().toString())).append("</title></rect>");
            offset += size;
        }
        if (promised > card) {
            int cardX = scaled(card, scale);
            html.append("<line class=\"card-end\" x1=\"").append(cardX).append("\" y1=\"4\" x2=\"").append(cardX)
                    .append("\" y2=\"34\"><title>the card: ").append(esc(gpu.card().toString()))
                    .append("</title></line>");
        }
        int budgetX = scaled(gpu.budget().bytes(), scale);
        html.append("<line class=\"budget\" x1=\"").append(budgetX).append("\" y1=\"2\" x2=\"").append(budgetX)
                .append("\" y2=\"36\"><title>budget ").append(esc(gpu.budget().toString())).append("</title></line>")
                .append("</svg>\n");
        if (gpu.reserving().isEmpty()) {
            html.append("<p class=\"none\">no service here reserves GPU memory</p>\n");
        }
        html.append("</div>\n");
    }

    private static int scaled(long value, long scale) {
        return (int) Math.round(value * (double) (BAR_WIDTH - 2) / scale);
    }

    // ---------------------------------------------------------------- rollout

    private void rolloutSection() {
        FleetPlan plan = picture.plan();
        html.append("<section id=\"rollout\">\n<h2>Rollout</h2>\n<p>Canary wave on <strong>")
                .append(esc(plan.rollout().canaryMachine())).append("</strong>, then batches of ")
                .append(plan.rollout().batchSize()).append("; each wave starts when every instance of the one ")
                .append("before is healthy.");
        if (picture.live().isPresent()) {
            html.append(" Coloured by what the hosts run now:");
            for (Action action : Action.values()) {
                html.append(" <span class=\"chip action-").append(actionClass(action)).append("\">")
                        .append(actionClass(action)).append("</span>");
            }
        }
        html.append("</p>\n<ol class=\"waves\">\n");
        for (Wave wave : plan.rollout().waves()) {
            Map<String, Integer> perMachine = new LinkedHashMap<>();
            wave.instances().forEach(i -> perMachine.merge(i.machine(), 1, Integer::sum));
            String kind = wave.kind().name().toLowerCase(Locale.ROOT);
            html.append("<li class=\"wave ").append(kind).append("\" id=\"wave-").append(wave.number())
                    .append("\" data-wave=\"").append(wave.number()).append("\"><div class=\"wave-label\">Wave ")
                    .append(wave.number()).append("<small>").append(kind).append(" · ")
                    .append(esc(perMachine.keySet().stream().collect(Collectors.joining(", ")))).append(" · ")
                    .append(plural(wave.instances().size(), "instance")).append("</small></div><div class=\"chips\">");
            for (Instance instance : wave.instances()) {
                Optional<InstanceChange> change = picture.change(instance.id());
                String action = change.map(c -> actionClass(c.action())).orElse("planned");
                html.append("<span class=\"chip instance action-").append(action).append("\" data-service=\"")
                        .append(esc(instance.service())).append("\" title=\"").append(esc(instance.id().toString()))
                        .append(": ").append(esc(change.map(c -> actionClass(c.action()) + " — " + c.reason())
                                .orElse(instance.image().text())))
                        .append("\">").append(esc(instance.service()))
                        .append("<small>@").append(esc(instance.machine())).append("</small></span>");
            }
            html.append("</div></li>\n");
        }
        List<InstanceChange> removals = picture.removals();
        if (!removals.isEmpty()) {
            html.append("<li class=\"wave removals\"><div class=\"wave-label\">Removed<small>not in the definition")
                    .append(" · ").append(plural(removals.size(), "container")).append("</small></div>")
                    .append("<div class=\"chips\">");
            for (InstanceChange removal : removals) {
                html.append("<span class=\"chip instance action-remove\" data-service=\"")
                        .append(esc(removal.service()))
                        .append("\" title=\"").append(esc(removal.id() + ": " + removal.container() + " — "
                                + removal.reason()))
                        .append("\">").append(esc(removal.service())).append("<small>@")
                        .append(esc(removal.machine())).append("</small></span>");
            }
            html.append("</div></li>\n");
        }
        html.append("</ol>\n</section>\n");
    }

    // ---------------------------------------------------------------- text

    static String actionClass(Action action) {
        return action.name().toLowerCase(Locale.ROOT);
    }

    /** Text safe in element content and in double-quoted attributes. */
    static String esc(String text) {
        StringBuilder out = new StringBuilder(text.length() + 8);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    /** An HTML id from a name: letters, digits, '-' and '_' kept, anything else '-'. */
    static String id(String name) {
        return name.replaceAll("[^A-Za-z0-9_-]", "-");
    }

    static String shorten(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max - 1) + "…";
    }

    static String plural(long n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }

    static String shortDigest(String digest) {
        int colon = digest.indexOf(':');
        String hex = colon >= 0 ? digest.substring(colon + 1) : digest;
        return (colon >= 0 ? digest.substring(0, colon + 1) : "") + hex.substring(0, Math.min(12, hex.length()));
    }

    static String bytes(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double value = bytes;
        int unit = -1;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
    }

    private static String percent(long part, long whole) {
        return whole <= 0 ? "—" : String.format(Locale.ROOT, "%.0f%%", part * 100.0 / whole);
    }

    private static final String STYLE = """
            :root { --ink: #1d2430; --muted: #5b6574; --line: #c9d1dc; --panel: #f6f8fb; --accent: #2f6fd1;
              --create: #2e8540; --update: #d98a00; --unchanged: #8a94a3; --remove: #c62828; --over: #d32f2f; }
            * { box-sizing: border-box; }
            [hidden] { display: none !important; }
            body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif; color: var(--ink);
              margin: 0 auto; padding: 16px 24px 40px; max-width: 1600px; background: #fff; }
            h1 { font-size: 24px; margin: 0 0 4px; } h2 { font-size: 19px; margin: 28px 0 10px;
              border-bottom: 2px solid var(--line); padding-bottom: 4px; } h3 { font-size: 16px; margin: 0 0 8px; }
            h3 small, .wave-label small { color: var(--muted); font-weight: normal; }
            code { font: 12px/1.3 "DejaVu Sans Mono", monospace; background: var(--panel); padding: 1px 4px;
              border-radius: 3px; word-break: break-all; }
            .summary, .live-summary { color: var(--muted); margin: 4px 0; }
            header nav a { margin-right: 14px; color: var(--accent); }
            .filter input { font-size: 14px; padding: 4px 8px; width: 260px; margin: 8px 6px 8px 4px; }
            #matches { color: var(--muted); }
            .scroll { overflow-x: auto; border: 1px solid var(--line); border-radius: 6px; background: var(--panel); }
            svg text { font: 12px "DejaVu Sans", sans-serif; fill: var(--ink); }
            svg text.name { font-weight: bold; font-size: 13px; } svg text.detail { fill: var(--muted); font-size: 11px; }
            .node rect { fill: #fff; stroke: var(--accent); stroke-width: 1.5; }
            .node.base rect { fill: #eef1f5; stroke: var(--muted); stroke-dasharray: 4 3; }
            a:hover .node rect { fill: #eaf1fd; }
            .edge { fill: none; stroke: var(--muted); stroke-width: 1.4; }
            .family-cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(420px, 1fr)); gap: 12px;
              margin-top: 12px; }
            .family-card, .machine { border: 1px solid var(--line); border-radius: 6px; padding: 10px 12px; }
            dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 10px; margin: 0 0 8px; }
            dt { color: var(--muted); } dd { margin: 0; }
            ul.layers { margin: 0; padding-left: 16px; } .layer-kind { font-weight: bold; }
            .digest { color: var(--muted); }
            .chips { display: flex; flex-wrap: wrap; gap: 4px; }
            .chip { display: inline-block; border-radius: 10px; padding: 1px 8px; font-size: 12px;
              background: #e7edf6; border: 1px solid #cdd8e8; white-space: nowrap; }
            .chip small { color: var(--muted); }
            .chip.action-create { background: #dff1e3; border-color: var(--create); }
            .chip.action-update { background: #fdf0d5; border-color: var(--update); }
            .chip.action-unchanged { background: #eef0f3; border-color: var(--unchanged); color: var(--muted); }
            .chip.action-remove { background: #fbe2e2; border-color: var(--remove); text-decoration: line-through; }
            .none { color: var(--muted); font-style: italic; }
            .machines { display: grid; grid-template-columns: repeat(auto-fit, minmax(960px, 1fr)); gap: 14px; }
            table.ports { border-collapse: collapse; width: 100%; font-size: 13px; }
            table.ports th { text-align: left; color: var(--muted); font-weight: normal; border-bottom: 1px solid var(--line); }
            table.ports td { border-bottom: 1px solid #eef1f5; padding: 2px 6px 2px 0; }
            table.ports td.service { font-weight: 600; }
            table.ports td:nth-child(3), table.ports td:nth-child(4), table.ports td.gpu { white-space: nowrap; }
            .mount { display: block; font-size: 12px; }
            .port { font: 12px "DejaVu Sans Mono", monospace; padding: 0 4px; border-radius: 3px; }
            .service-port { background: #e3ecfb; } .health-port { background: #e2f3e6; }
            .gpu-budget { margin: 4px 0 10px; } .gpu-figures { margin: 0 0 2px; }
            .gpu-bar rect.card { fill: #eef1f5; stroke: var(--muted); }
            .gpu-bar rect.reserved.r0 { fill: #5b8fe0; } .gpu-bar rect.reserved.r1 { fill: #8fb3ee; }
            .gpu-bar line.card-end { stroke: #000; stroke-width: 3; }
            .gpu-bar line.budget { stroke: var(--ink); stroke-width: 2; stroke-dasharray: 4 3; }
            .gpu-budget.near rect.reserved { fill: #e0a030; }
            .gpu-budget.over rect.reserved { fill: var(--over); } .over-budget { color: var(--over); }
            .gpu-budget.over .gpu-figures { color: var(--over); }
            ol.waves { list-style: none; margin: 0; padding: 0 0 0 14px; border-left: 3px solid var(--line); }
            li.wave { position: relative; display: grid; grid-template-columns: 190px 1fr; gap: 10px; padding: 6px 0; }
            li.wave::before { content: ""; position: absolute; left: -22px; top: 11px; width: 12px; height: 12px;
              border-radius: 50%; background: var(--accent); border: 2px solid #fff; }
            li.wave.canary::before { background: var(--update); } li.wave.removals::before { background: var(--remove); }
            .wave-label { font-weight: bold; } .wave-label small { display: block; }
            footer { margin-top: 30px; color: var(--muted); font-size: 12px; }
            """;

    private static final String SCRIPT = """
            (function () {
              var input = document.getElementById('filter');
              var matches = document.getElementById('matches');
              function apply() {
                var q = input.value.trim().toLowerCase();
                var shown = {};
                document.querySelectorAll('[data-service]').forEach(function (el) {
                  var name = el.getAttribute('data-service');
                  var hit = q === '' || name.toLowerCase().indexOf(q) >= 0;
                  if (el.tagName.toLowerCase() !== 'rect') { el.hidden = !hit; }
                  if (hit) { shown[name] = true; }
                });
                var n = Object.keys(shown).length;
                matches.textContent = q === '' ? '' : n + (n === 1 ? ' service matches' : ' services match');
              }
              input.addEventListener('input', apply);
              // page.html#filter=audio opens the page filtered, so a filtered view can be shared as a link
              var hash = decodeURIComponent(location.hash);
              if (hash.indexOf('#filter=') === 0) { input.value = hash.substring(8); apply(); }
            })();
            """;
}

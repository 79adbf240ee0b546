package dev.slipway.validation;

import dev.slipway.dsl.Family;
import dev.slipway.dsl.FleetSpec;
import dev.slipway.dsl.Service;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * SPEC: a service or family never re-installs what its family has. A family may not list a package one of its
 * parents already lists, and a service may not install Python packages itself (pip install, a new virtualenv):
 * what it needs belongs in its family, and if the family has it already, installing it again only drifts.
 */
final class ReinstallRule implements Rule {
    private static final String DEBIAN_PYTHON_PREFIX = "python3-";
    /** Compiled once: every word of every service's command is tested, 600,000 words for 100k services. */
    private static final Pattern PIP = Pattern.compile("pip3?(\\.[0-9]+)?");

    @Override
    public void check(FleetSpec fleet, List<Problem> problems) {
        for (Family family : Fleet.familiesParentsFirst(fleet)) {
            checkFamily(family, problems);
        }
        for (Service service : fleet.services()) {
            checkService(service, problems);
        }
    }

    private static void checkFamily(Family family, List<Problem> problems) {
        if (family.debian().isEmpty()) {
            return;
        }
        Map<String, String> inherited = installedBy(family.parent());
        for (String name : family.debian().get().names()) {
            String owner = inherited.get(name);
            if (owner != null) {
                problems.add(Problem.family(family.name(), "debian", "'" + name + "' is already installed by its "
                        + "parent family '" + owner + "'; a family never re-installs what its lineage has, remove it"));
            }
        }
    }

    private static void checkService(Service service, List<Problem> problems) {
        List<String> command = service.command();
        for (int i = 0; i < command.size(); i++) {
            String word = command.get(i);
            if (word.equals("venv") || word.equals("virtualenv") || word.endsWith("/virtualenv")) {
                problems.add(Problem.service(service.name(), "command", "creates a virtualenv; a service runs on "
                        + "its family '" + service.family().name() + "' Python and its packages"));
            }
            if (isPip(word) && i + 1 < command.size() && command.get(i + 1).equals("install")) {
                Map<String, String> family = installedBy(Optional.of(service.family()));
                for (String argument : command.subList(i + 2, command.size())) {
                    if (argument.startsWith("-")) {
                        continue;
                    }
                    String project = pythonName(argument.split("[<>=!~;\\[ ]", 2)[0]);
                    String owner = family.get(DEBIAN_PYTHON_PREFIX + project);
                    problems.add(Problem.service(service.name(), "command", owner != null
                            ? "installs '" + project + "' with pip, which its family already has ("
                                    + DEBIAN_PYTHON_PREFIX
                                    + project + " from '" + owner + "'); remove the install"
                            : "installs '" + project + "' with pip; a service never installs packages, add it to "
                                    + "its family '" + service.family().name() + "' (or a new child family)"));
                }
            }
        }
    }

    private static boolean isPip(String word) {
        String base = word.substring(word.lastIndexOf('/') + 1);
        return base.startsWith("pip") && PIP.matcher(base).matches();
    }

    /** Every Debian package the lineage up to {@code family} lists, with the family that lists it. */
    private static Map<String, String> installedBy(Optional<Family> family) {
        Map<String, String> installed = new LinkedHashMap<>();
        family.ifPresent(f -> f.lineage().forEach(ancestor -> ancestor.debian().ifPresent(
                d -> d.names().forEach(name -> installed.putIfAbsent(name, ancestor.name())))));
        return installed;
    }

    /** PEP 503 name, as Debian's python3-NAME packages spell it. */
    private static String pythonName(String name) {
        return name.toLowerCase(Locale.ROOT).replaceAll("[-_.]+", "-");
    }
}

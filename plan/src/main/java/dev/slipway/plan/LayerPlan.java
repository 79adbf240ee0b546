package dev.slipway.plan;

/**
 * One layer an image adds on top of its base, in SPEC order (OS, Python dependencies, files, machine profile,
 * application). Each kind carries what its build step needs; {@link #kind()}, {@link #source()} and
 * {@link #destination()} are how the plan shows it.
 */
public sealed interface LayerPlan permits LayerPlan.Debian, LayerPlan.Wheels, LayerPlan.FileCopy,
        LayerPlan.MachineProfile, LayerPlan.Application {

    /** The layer kind as {@code plan} shows it: debian, wheels, files, machine-profile, application. */
    String kind();

    /** What goes in, as the definition names it. */
    String source();

    /** Where it goes in the image. */
    String destination();

    /** The family's own pinned Debian packages (its lineage's are in {@link ImagePlan#packages()}). */
    record Debian(dev.slipway.dsl.DebianSuite suite, java.util.List<String> packages) implements LayerPlan {
        public Debian {
            packages = java.util.List.copyOf(packages);
        }

        @Override
        public String kind() {
            return "debian";
        }

        @Override
        public String source() {
            return "debian:" + suite + ": " + String.join(" ", packages);
        }

        @Override
        public String destination() {
            return "/";
        }
    }

    /** The family's hash-locked wheels; {@code lock} is relative to the fleet's directory. */
    record Wheels(String lock) implements LayerPlan {
        @Override
        public String kind() {
            return "wheels";
        }

        @Override
        public String source() {
            return lock;
        }

        @Override
        public String destination() {
            return "site-packages";
        }
    }

    /** A local file or directory ({@code source} relative to the fleet's directory) copied to {@code destination}. */
    record FileCopy(String source, String destination) implements LayerPlan {
        @Override
        public String kind() {
            return "files";
        }
    }

    /**
     * {@code /etc/machine-profile.json} (the machine's identity and every value it sets as env) and the home
     * directory of the user the service runs as ({@code HOME} in its env), empty and owned by that user, so every
     * service image has one whatever its base. Every service image has this small layer, the same bytes for every
     * service of one machine and user.
     */
    record MachineProfile(String machine, java.util.Map<String, String> document, dev.slipway.model.User user)
            implements
                LayerPlan {
        public static final String PATH = "/etc/machine-profile.json";

        public MachineProfile {
            document = SortedStringMap.copyOf(document);
            java.util.Objects.requireNonNull(user, "user");
        }

        /** The user's home directory the layer holds. */
        public String home() {
            return user.home();
        }

        @Override
        public String kind() {
            return "machine-profile";
        }

        @Override
        public String source() {
            return "profile:" + machine;
        }

        @Override
        public String destination() {
            return PATH;
        }
    }

    /** A service's application directory (relative to the fleet's directory) at {@code /app}: the last layer. */
    record Application(String directory) implements LayerPlan {
        public static final String PATH = "/app";

        @Override
        public String kind() {
            return "application";
        }

        @Override
        public String source() {
            return directory;
        }

        @Override
        public String destination() {
            return PATH;
        }
    }
}

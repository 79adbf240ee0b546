package dev.slipway.plan;

import dev.slipway.dsl.Family;
import dev.slipway.dsl.MachineProfile;
import dev.slipway.dsl.Service;
import dev.slipway.model.ImageReference;
import dev.slipway.validation.Fleet;

/**
 * The one place image names are made. Families: {@code <registry>/<org>/<family>:<tag>}. Services:
 * {@code <registry>/<org>/<fleet>/<service>:<tag>-<machine>}: an image is built for one machine (its profile is
 * baked in), so a service on two machines has one image per machine, and the fleet tag stays the common prefix.
 */
public final class ImageNames {
    private ImageNames() {
    }

    public static String familyRepository(Fleet fleet, Family family) {
        return fleet.registry() + "/" + family.name();
    }

    public static ImageReference family(Fleet fleet, Family family, String tag) {
        return ImageReference.tagged(familyRepository(fleet, family), tag);
    }

    public static String serviceRepository(Fleet fleet, Service service) {
        return fleet.registry() + "/" + fleet.name() + "/" + service.name();
    }

    public static String serviceTag(String fleetTag, MachineProfile machine) {
        return fleetTag + "-" + machine.name();
    }

    /** The fleet tag a service image for {@code machine} was built under: the inverse of {@link #serviceTag}. */
    public static java.util.Optional<String> fleetTag(ImageReference serviceImage, String machine) {
        String suffix = "-" + machine;
        return serviceImage.tag().filter(t -> t.endsWith(suffix) && t.length() > suffix.length())
                .map(t -> t.substring(0, t.length() - suffix.length()));
    }

    public static ImageReference service(Fleet fleet, Service service, MachineProfile machine, String tag) {
        return ImageReference.tagged(serviceRepository(fleet, service), serviceTag(tag, machine));
    }
}

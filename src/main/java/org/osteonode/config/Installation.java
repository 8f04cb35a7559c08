package org.osteonode.config;

import java.net.URISyntaxException;
import java.nio.file.Path;

/**
 * Where osteonode is installed: the directory that holds {@code model/}. From a checkout the code runs from
 * {@code target/osteonode.jar} (bin/osteonode) or {@code target/classes} (Maven), and the installation is the
 * checkout; from a package it runs from {@code /opt/osteonode/osteonode.jar}, and the installation is
 * {@code /opt/osteonode}.
 */
public final class Installation {
    private Installation() {
    }

    /** The demo model shipped with osteonode, used when {@code osteonode.model.dir} is empty. */
    public static Path bundledDemoModel() {
        return directory().resolve("model").resolve("demo");
    }

    public static Path directory() {
        try {
            return directoryOf(Path.of(Installation.class.getProtectionDomain().getCodeSource().getLocation().toURI()));
        } catch (URISyntaxException | SecurityException | NullPointerException e) {
            // No code source (an unusual class loader): the working directory is the best remaining guess.
            return Path.of("").toAbsolutePath();
        }
    }

    /** @param codeSource the jar or classes directory osteonode's classes come from */
    static Path directoryOf(Path codeSource) {
        Path source = codeSource.toAbsolutePath().normalize();
        Path holder = source.getParent(); // target/classes -> target; .../osteonode.jar -> its directory
        if (holder != null && holder.getFileName() != null && holder.getFileName().toString().equals("target")) {
            holder = holder.getParent();
        }
        return holder == null ? source : holder;
    }
}

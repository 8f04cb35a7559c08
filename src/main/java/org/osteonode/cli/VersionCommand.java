package org.osteonode.cli;

import com.pixelmed.dicom.VersionAndConstants;
import picocli.CommandLine;

import java.nio.file.Path;
import picocli.CommandLine.Command;

@Command(name = "version", description = "Print the versions of osteonode, PixelMed and Java.")
final class VersionCommand implements Runnable, CommandLine.IVersionProvider {

    @Override
    public void run() {
        for (String line : getVersion()) {
            System.out.println(line);
        }
    }

    /** Debian names the jar by release date (pixelmed-20220618.jar); PixelMed itself reports no version. */
    private static String pixelmedJar() {
        try {
            return Path.of(VersionAndConstants.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                    .toRealPath().toString();
        } catch (Exception e) {
            return "(unknown location)";
        }
    }

    @Override
    public String[] getVersion() {
        String version = Main.class.getPackage().getImplementationVersion();
        return new String[] {
            "osteonode " + (version == null ? "(development build)" : version),
            "PixelMed " + pixelmedJar(),
            "Java " + System.getProperty("java.version")
        };
    }
}

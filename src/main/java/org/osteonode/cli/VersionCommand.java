package org.osteonode.cli;

import com.pixelmed.dicom.VersionAndConstants;
import picocli.CommandLine;
import picocli.CommandLine.Command;

@Command(name = "version", description = "Print the versions of osteonode, PixelMed and Java.")
final class VersionCommand implements Runnable, CommandLine.IVersionProvider {

    @Override
    public void run() {
        for (String line : getVersion()) {
            System.out.println(line);
        }
    }

    @Override
    public String[] getVersion() {
        String version = Main.class.getPackage().getImplementationVersion();
        return new String[] {
            "osteonode " + (version == null ? "(development build)" : version),
            "PixelMed " + VersionAndConstants.getBuildDate(),
            "Java " + System.getProperty("java.version")
        };
    }
}

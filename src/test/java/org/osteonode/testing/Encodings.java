package org.osteonode.testing;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The transfer syntaxes the receiver accepts without loss, each with the dcmtk or GDCM command that encodes a
 * test image in it and the storescu option that proposes it.
 */
public record Encodings(String name, String transferSyntaxUid, String encoder, String storescuProposal) {

    public static List<Encodings> lossless() {
        return List.of(
                new Encodings("Implicit VR Little Endian", "1.2.840.10008.1.2", "dcmconv +ti", "-xi"),
                new Encodings("Explicit VR Little Endian", "1.2.840.10008.1.2.1", "dcmconv +te", "-xe"),
                new Encodings("Explicit VR Big Endian", "1.2.840.10008.1.2.2", "dcmconv +tb", "-xb"),
                new Encodings("Deflated Explicit VR LE", "1.2.840.10008.1.2.1.99", "dcmconv +td", "-xd"),
                new Encodings("JPEG Lossless SV1", "1.2.840.10008.1.2.4.70", "dcmcjpeg", "-xs"),
                new Encodings("JPEG-LS Lossless", "1.2.840.10008.1.2.4.80", "dcmcjpls", "-xt"),
                new Encodings("JPEG 2000 Lossless", "1.2.840.10008.1.2.4.90", "gdcmconv --j2k", "-xv"),
                new Encodings("RLE Lossless", "1.2.840.10008.1.2.5", "dcmcrle", "-xr"));
    }

    /** Encodes {@code original} into {@code encoded} with this encoding's tool. */
    public Path encode(Path original, Path encoded) throws Exception {
        List<String> command = new ArrayList<>(Arrays.asList(encoder.split(" ")));
        command.addAll(List.of(original.toString(), encoded.toString()));
        Dcmtk.Result result = Dcmtk.run(command);
        if (result.exitCode() != 0) {
            throw new AssertionError(encoder + " failed: " + result.output());
        }
        return encoded;
    }

    @Override
    public String toString() {
        return name;
    }
}

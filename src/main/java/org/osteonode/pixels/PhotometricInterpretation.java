package org.osteonode.pixels;

/** The grayscale Photometric Interpretations (0028,0004) of PS3.3 C.7.6.3.1.2; CR and DX use no other. */
public enum PhotometricInterpretation {
    /** The minimum value is displayed white, after the VOI transformation. */
    MONOCHROME1,
    /** The minimum value is displayed black. */
    MONOCHROME2;

    public static PhotometricInterpretation of(String value) throws PixelDataException {
        String trimmed = value == null ? "" : value.trim();
        for (PhotometricInterpretation each : values()) {
            if (each.name().equals(trimmed)) {
                return each;
            }
        }
        throw new PixelDataException("Photometric Interpretation '" + trimmed
                + "' is not MONOCHROME1 or MONOCHROME2: only grayscale images are presented to a model");
    }
}

package org.osteonode.pixels;

/** VOI LUT Function (0028,1056), PS3.3 C.11.2.1.3: how Window Center and Width map values to output. */
public enum VoiLutFunction {
    /** C.11.2.1.2.1, the default when the attribute is absent. */
    LINEAR,
    /** C.11.2.1.3.2: the window spans exactly Center ± Width/2. */
    LINEAR_EXACT,
    /** C.11.2.1.3.1: a logistic curve, Width sets its slope. */
    SIGMOID;

    /** An absent or unknown value means LINEAR, as the standard's default. */
    public static VoiLutFunction of(String value) {
        String trimmed = value == null ? "" : value.trim();
        for (VoiLutFunction each : values()) {
            if (each.name().equals(trimmed)) {
                return each;
            }
        }
        return LINEAR;
    }
}

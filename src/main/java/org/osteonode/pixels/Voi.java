package org.osteonode.pixels;

/**
 * The VOI transformation the modality specified (PS3.3 C.11.2): a window ({@link VoiWindow}) or a table
 * ({@link VoiLut}), from a Modality LUT output value to a presentation value in [0, 1], 0 black.
 */
public sealed interface Voi permits VoiWindow, VoiLut {
    /** @param inverse MONOCHROME1: the lowest values present white */
    float present(double modality, boolean inverse);
}

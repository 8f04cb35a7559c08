package org.osteonode.pixels;

/**
 * One decoded grayscale frame and the attributes that say how to present it: the input of the chain in
 * {@link Preprocessor}. Holds no identifiers.
 *
 * @param samples   row-major, {@code rows × columns} sample words as stored (8-bit samples widened to a
 *                  word each), read through {@code coding}; not copied, the caller hands it over
 * @param voi       the object's VOI: Window Center and Width, else the VOI LUT Sequence's first table; null when
 *                  it has neither (a percentile window is used)
 * @param padding   the object's pixel padding, or null when it has none
 */
public record MonochromeFrame(int rows, int columns, short[] samples, SampleCoding coding,
        PhotometricInterpretation photometricInterpretation, ModalityLut modalityLut, Voi voi, PixelPadding padding) {

    public MonochromeFrame {
        if (rows < 1 || columns < 1 || (long) rows * columns != samples.length) {
            throw new IllegalArgumentException("a " + rows + "×" + columns + " frame cannot hold "
                    + samples.length + " values");
        }
        if (coding == null || photometricInterpretation == null || modalityLut == null) {
            throw new IllegalArgumentException("sample coding, Photometric Interpretation and Modality LUT are required");
        }
    }

    /** A frame without pixel padding. */
    public MonochromeFrame(int rows, int columns, short[] samples, SampleCoding coding,
            PhotometricInterpretation photometricInterpretation, ModalityLut modalityLut, Voi voi) {
        this(rows, columns, samples, coding, photometricInterpretation, modalityLut, voi, null);
    }

    /** A frame of plain stored values, each within 16 bits (signed or not). */
    public MonochromeFrame(int rows, int columns, int[] storedValues,
            PhotometricInterpretation photometricInterpretation, ModalityLut modalityLut, Voi voi) {
        this(rows, columns, SampleCoding.holding(storedValues).words(storedValues),
                SampleCoding.holding(storedValues), photometricInterpretation, modalityLut, voi, null);
    }

    /** The stored values (sign-extended when Pixel Representation is 1), row-major; a new array each call. */
    public int[] storedValues() {
        int[] stored = new int[samples.length];
        for (int i = 0; i < stored.length; i++) {
            stored[i] = coding.stored(samples[i] & 0xffff);
        }
        return stored;
    }
}

package org.osteonode.pixels;

/**
 * One decoded grayscale frame and the attributes that say how to present it: the input of the chain in
 * {@link Preprocessor}. Holds no identifiers.
 *
 * @param storedValues row-major, {@code rows × columns}, as stored (sign-extended when Pixel Representation
 *                     is 1), not yet through the Modality LUT; not copied, the caller hands it over
 * @param voiWindow    from Window Center and Width, or null when the object has none
 */
public record MonochromeFrame(int rows, int columns, int[] storedValues,
        PhotometricInterpretation photometricInterpretation, ModalityLut modalityLut, VoiWindow voiWindow) {

    public MonochromeFrame {
        if (rows < 1 || columns < 1 || storedValues.length != rows * columns) {
            throw new IllegalArgumentException("a " + rows + "×" + columns + " frame cannot hold "
                    + storedValues.length + " values");
        }
        if (photometricInterpretation == null || modalityLut == null) {
            throw new IllegalArgumentException("Photometric Interpretation and Modality LUT are required");
        }
    }
}

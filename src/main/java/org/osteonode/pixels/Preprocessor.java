package org.osteonode.pixels;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A DICOM radiograph to the float tensor a model takes, in PS3.3's grayscale order: decode the first frame,
 * Modality LUT, VOI window (the object's, else a percentile window) with MONOCHROME1 inverted into
 * presentation values in [0, 1], letterbox to the model's size, normalise. Thread-safe: it holds only the
 * immutable {@link InputSpec}.
 */
public final class Preprocessor {
    private final InputSpec spec;

    public Preprocessor(InputSpec spec) {
        this.spec = spec;
    }

    public InputSpec spec() {
        return spec;
    }

    /**
     * The tensor of {@link InputSpec#shape()}, NCHW, row-major.
     *
     * @throws UnsupportedTransferSyntaxException no decoder here for the object's transfer syntax: archive it,
     *                                            do not infer it
     * @throws PixelDataException not a grayscale image, or its Pixel Data does not decode
     * @throws IOException the file cannot be read
     */
    public float[] tensor(Path dicomFile) throws IOException, PixelDataException {
        return tensor(PixelDataDecoder.firstFrame(dicomFile));
    }

    /** The same chain on a frame already decoded. */
    public float[] tensor(MonochromeFrame frame) {
        float[] presentation = present(frame, spec.lowerPercentile(), spec.upperPercentile());
        float[] fitted = Letterbox.fit(presentation, frame.rows(), frame.columns(), spec.height(), spec.width());
        return normalise(fitted);
    }

    /**
     * Presentation values in [0, 1] (0 black) at the frame's own size: Modality LUT, then the VOI window, which
     * inverts MONOCHROME1. Shared by anything that must show pixels the way the model sees them.
     */
    public static float[] present(MonochromeFrame frame, double lowerPercentile, double upperPercentile) {
        VoiWindow window = frame.voiWindow() != null
                ? frame.voiWindow()
                : PercentileWindow.of(frame.storedValues(), frame.modalityLut(), lowerPercentile, upperPercentile,
                        frame.photometricInterpretation());
        float[] modality = frame.modalityLut().apply(frame.storedValues());
        return window.present(modality, frame.photometricInterpretation());
    }

    /** {@code (value - mean) / std}, the plane repeated into each channel. */
    private float[] normalise(float[] plane) {
        float[] tensor = new float[spec.size()];
        double mean = spec.mean();
        double std = spec.std();
        for (int i = 0; i < plane.length; i++) {
            tensor[i] = (float) ((plane[i] - mean) / std);
        }
        for (int c = 1; c < spec.channels(); c++) {
            System.arraycopy(tensor, 0, tensor, c * plane.length, plane.length);
        }
        return tensor;
    }
}

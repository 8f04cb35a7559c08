package org.osteonode.pixels;

import java.io.IOException;
import java.nio.file.Path;
import java.util.function.IntPredicate;
import java.util.function.IntToDoubleFunction;

/**
 * A DICOM radiograph to the float tensor a model takes, in PS3.3's grayscale order: decode the first frame,
 * Modality LUT, VOI (the object's window or VOI LUT, else a percentile window of the pixels that are not padding)
 * with MONOCHROME1 inverted into presentation values in [0, 1], padding black, letterbox to the model's size,
 * normalise. Thread-safe: it holds only the
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
        float[] table = presentationTable(frame, spec.lowerPercentile(), spec.upperPercentile());
        short[] samples = frame.samples();
        int columns = frame.columns();
        // Presented row by row as the resampler asks: the frame never exists whole as floats.
        RowSource presented = (y, into) -> {
            for (int x = 0, at = y * columns; x < columns; x++, at++) {
                into[x] = table[samples[at] & 0xffff];
            }
        };
        return normalise(Letterbox.fit(presented, frame.rows(), columns, spec.height(), spec.width()));
    }

    /**
     * Presentation values in [0, 1] (0 black) at the frame's own size: Modality LUT, then the VOI window, which
     * inverts MONOCHROME1. Shared by anything that must show pixels the way the model sees them.
     */
    public static float[] present(MonochromeFrame frame, double lowerPercentile, double upperPercentile) {
        return SampleHistogram.lookUp(frame.samples(), presentationTable(frame, lowerPercentile, upperPercentile));
    }

    /**
     * Each sample word's presentation value, computed once per word so that the per-pixel work is one lookup:
     * for all 65,536 words with the object's window, for the words that occur with a percentile window.
     */
    private static float[] presentationTable(MonochromeFrame frame, double lowerPercentile, double upperPercentile) {
        SampleCoding coding = frame.coding();
        ModalityLut modalityLut = frame.modalityLut();
        IntToDoubleFunction modality = word -> modalityLut.apply(coding.stored(word));
        boolean inverse = frame.photometricInterpretation() == PhotometricInterpretation.MONOCHROME1;
        PixelPadding padding = frame.padding();
        IntPredicate padded = padding == null ? word -> false : word -> padding.contains(coding.stored(word));
        if (frame.voi() != null) {
            Voi voi = frame.voi();
            return SampleHistogram.fullTable(word -> padded.test(word) ? 0 : voi.present(modality.applyAsDouble(word),
                    inverse));
        }
        // Padding counts in no percentile; a word with no count presents black (0) in the table.
        SampleHistogram histogram = SampleHistogram.of(frame.samples()).without(padded);
        VoiWindow window = PercentileWindow.of(histogram, modality, lowerPercentile, upperPercentile,
                frame.photometricInterpretation());
        return histogram.table(word -> window.present(modality.applyAsDouble(word), inverse));
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

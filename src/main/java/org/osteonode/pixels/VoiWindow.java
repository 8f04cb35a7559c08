package org.osteonode.pixels;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.TagFromName;

import java.util.Optional;

/**
 * A VOI window (PS3.3 C.11.2): the range of modality values spread over the output, with values below it
 * black and above it white for MONOCHROME2. Output is a presentation value in [0, 1], 0 black, 1 white:
 * for MONOCHROME1 the output is inverted after the window, as C.7.6.3.1.2 says, so that a MONOCHROME1 image
 * and its MONOCHROME2 twin present alike.
 *
 * @param lower the modality value at and below which the output is 0 (MONOCHROME2)
 * @param upper the modality value at and above which the output is 1 (MONOCHROME2)
 */
public record VoiWindow(double lower, double upper, VoiLutFunction function) implements Voi {

    public VoiWindow {
        if (!(Double.isFinite(lower) && Double.isFinite(upper) && lower <= upper)) {
            throw new IllegalArgumentException("a VOI window needs finite bounds, lower <= upper");
        }
        if (function == VoiLutFunction.SIGMOID && lower == upper) {
            throw new IllegalArgumentException("a SIGMOID window needs a width above 0");
        }
    }

    /**
     * Window Center and Width as the object's VOI LUT Function defines them: for LINEAR (C.11.2.1.2.1) the
     * values up to c - 0.5 - (w-1)/2 are black and those above c - 0.5 + (w-1)/2 white; LINEAR_EXACT and SIGMOID
     * span c ± w/2.
     */
    public static VoiWindow ofCenterWidth(double center, double width, VoiLutFunction function) {
        if (function == VoiLutFunction.LINEAR) {
            double lower = center - 0.5 - (width - 1) / 2;
            return new VoiWindow(lower, lower + (width - 1), function);
        }
        return new VoiWindow(center - width / 2, center + width / 2, function);
    }

    /** A linear window between two modality values, such as the percentiles of {@link PercentileWindow}. */
    public static VoiWindow between(double lower, double upper) {
        return new VoiWindow(lower, upper, VoiLutFunction.LINEAR_EXACT);
    }

    /**
     * The first Window Center (0028,1050) and Window Width (0028,1051) pair, the one PS3.3 calls the default.
     * Absent, or a width the function cannot use (below 1 for LINEAR, not above 0 otherwise): empty, so that the
     * caller computes a window from the pixels.
     */
    public static Optional<VoiWindow> of(AttributeList list) {
        double[] centers = Attribute.getDoubleValues(list, TagFromName.WindowCenter);
        double[] widths = Attribute.getDoubleValues(list, TagFromName.WindowWidth);
        if (centers == null || widths == null || centers.length == 0 || widths.length == 0) {
            return Optional.empty();
        }
        VoiLutFunction function = VoiLutFunction.of(
                Attribute.getSingleStringValueOrEmptyString(list, TagFromName.VOILUTFunction));
        double center = centers[0];
        double width = widths[0];
        double smallest = function == VoiLutFunction.LINEAR ? 1 : Double.MIN_VALUE;
        if (!Double.isFinite(center) || !Double.isFinite(width) || width < smallest) {
            return Optional.empty();
        }
        return Optional.of(ofCenterWidth(center, width, function));
    }

    /** Presentation values in [0, 1], 0 black, written over {@code modality}, which is returned. */
    public float[] present(float[] modality, PhotometricInterpretation photometricInterpretation) {
        boolean inverse = photometricInterpretation == PhotometricInterpretation.MONOCHROME1;
        for (int i = 0; i < modality.length; i++) {
            modality[i] = present(modality[i], inverse);
        }
        return modality;
    }

    @Override
    public float present(double x, boolean inverse) {
        double range = upper - lower;
        if (function == VoiLutFunction.SIGMOID) {
            double center = lower + range / 2;
            double exponent = -4 * (x - center) / range;
            return (float) (1 / (1 + Math.exp(inverse ? -exponent : exponent)));
        }
        if (range == 0) {
            // A LINEAR window of width 1 is a threshold: C.11.2.1.2.1 puts x <= c - 0.5 at the minimum.
            return (x > upper) != inverse ? 1f : 0f;
        }
        // Measured from the bound that presents black: for MONOCHROME1 that is the upper one. The twin's
        // (x - lower) is then this (upper - x) exactly, so both round alike, which 1 - y need not.
        double y = inverse ? (upper - x) / range : (x - lower) / range;
        return (float) Math.max(0, Math.min(1, y));
    }
}

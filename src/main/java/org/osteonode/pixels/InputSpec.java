package org.osteonode.pixels;

/**
 * What a model takes as input, as its model card says: an {@code 1 × channels × height × width} float tensor
 * (NCHW), each presentation value in [0, 1] normalised as {@code (value - mean) / std}; grayscale replicated
 * into every channel. The percentiles set the window of images without Window Center and Width
 * ({@link PercentileWindow}).
 *
 * @param lowerPercentile share of pixels presented black when the window comes from the pixels, in [0, 100)
 * @param upperPercentile 100 minus the share presented white, in (lowerPercentile, 100]
 */
public record InputSpec(int height, int width, int channels, double mean, double std,
        double lowerPercentile, double upperPercentile) {

    public static final double DEFAULT_LOWER_PERCENTILE = 0.5;
    public static final double DEFAULT_UPPER_PERCENTILE = 99.5;

    public InputSpec {
        if (height < 1 || width < 1 || channels < 1) {
            throw new IllegalArgumentException("input height, width and channels must be at least 1");
        }
        if (!(std > 0) || !Double.isFinite(std) || !Double.isFinite(mean)) {
            throw new IllegalArgumentException("normalisation needs a finite mean and a std above 0");
        }
        if (!(lowerPercentile >= 0 && lowerPercentile < upperPercentile && upperPercentile <= 100)) {
            throw new IllegalArgumentException("percentiles must satisfy 0 <= lower < upper <= 100");
        }
    }

    /** One channel, the default percentile window. */
    public static InputSpec grayscale(int height, int width, double mean, double std) {
        return new InputSpec(height, width, 1, mean, std, DEFAULT_LOWER_PERCENTILE, DEFAULT_UPPER_PERCENTILE);
    }

    /** The tensor shape, NCHW with N = 1, as ONNX Runtime takes it. */
    public long[] shape() {
        return new long[] {1, channels, height, width};
    }

    /** Number of floats in the tensor. */
    public int size() {
        return channels * height * width;
    }
}

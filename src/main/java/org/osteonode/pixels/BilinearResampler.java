package org.osteonode.pixels;

/**
 * Bilinear resampling of a float image, separable (rows, then columns). When shrinking, the triangle filter
 * widens by the shrink factor, as Pillow's BILINEAR does, so that every source pixel contributes: plain
 * 4-pixel bilinear would skip most pixels of a 3000-pixel radiograph shrunk to a few hundred, and alias
 * fine patterns such as anti-scatter grid lines. Deterministic: the same input gives the same bits.
 */
final class BilinearResampler {
    private BilinearResampler() {
    }

    static float[] resize(float[] image, int rows, int columns, int newRows, int newColumns) {
        if (image.length != rows * columns) {
            throw new IllegalArgumentException("image holds " + image.length + " values, not " + rows + "×" + columns);
        }
        Kernel across = Kernel.of(columns, newColumns);
        float[] widened = new float[rows * newColumns];
        for (int y = 0; y < rows; y++) {
            across.apply(image, y * columns, 1, widened, y * newColumns, 1);
        }
        Kernel down = Kernel.of(rows, newRows);
        float[] resized = new float[newRows * newColumns];
        for (int x = 0; x < newColumns; x++) {
            down.apply(widened, x, newColumns, resized, x, newColumns);
        }
        return resized;
    }

    /** For each output sample, the first input sample it reads and the normalised weights of those it reads. */
    private record Kernel(int[] first, double[][] weights) {
        static Kernel of(int inSize, int outSize) {
            double scale = (double) inSize / outSize;
            double support = Math.max(1.0, scale);
            int[] first = new int[outSize];
            double[][] weights = new double[outSize][];
            for (int i = 0; i < outSize; i++) {
                // Sample centres: output i sits at input coordinate (i + 0.5) × scale, pixel j at j + 0.5.
                double centre = (i + 0.5) * scale;
                int from = Math.max(0, (int) Math.floor(centre - support));
                int to = Math.min(inSize, (int) Math.ceil(centre + support));
                double[] w = new double[to - from];
                double sum = 0;
                for (int j = from; j < to; j++) {
                    w[j - from] = Math.max(0, 1 - Math.abs((j + 0.5 - centre) / support));
                    sum += w[j - from];
                }
                for (int k = 0; k < w.length; k++) {
                    w[k] /= sum;
                }
                first[i] = from;
                weights[i] = w;
            }
            return new Kernel(first, weights);
        }

        void apply(float[] in, int inOffset, int inStride, float[] out, int outOffset, int outStride) {
            for (int i = 0; i < first.length; i++) {
                double[] w = weights[i];
                int at = inOffset + first[i] * inStride;
                // Summed in double: a constant image then comes out bit-identical, not off by a float ulp.
                double sum = 0;
                for (int k = 0; k < w.length; k++, at += inStride) {
                    sum += w[k] * in[at];
                }
                out[outOffset + i * outStride] = (float) sum;
            }
        }
    }
}

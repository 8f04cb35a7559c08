package org.osteonode.pixels;

import java.util.Arrays;

/**
 * Bilinear resampling of a float image, separable (columns, then rows). When shrinking, the triangle filter
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
        return resize(RowSource.of(image, columns), rows, columns, newRows, newColumns);
    }

    /** The same, from an image given row by row: each row is asked for once, in order. */
    static float[] resize(RowSource image, int rows, int columns, int newRows, int newColumns) {
        // Down the columns first, a whole row at a time (memory read in order, independent sums): shrinking a
        // radiograph, this pass reads every pixel and the second reads few.
        float[] tall = Kernel.of(rows, newRows).applyToRows(image, columns);
        Kernel across = Kernel.of(columns, newColumns);
        float[] resized = new float[newRows * newColumns];
        for (int y = 0; y < newRows; y++) {
            across.apply(tall, y * columns, resized, y * newColumns);
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

        /**
         * The kernel down the columns of an image given row by row: each output row is the weighted sum of its
         * input rows, summed in double. The input rows an output row reads are kept in a ring as large as the
         * widest kernel: consecutive output rows share most of their input rows, and each is asked for once.
         */
        float[] applyToRows(RowSource image, int columns) {
            int widest = 0;
            for (double[] w : weights) {
                widest = Math.max(widest, w.length);
            }
            // rows held as doubles: the sums below are then in one type, which the JIT turns into vector code
            double[][] ring = new double[widest][columns];
            int next = 0; // the ring holds input rows next - widest to next - 1
            float[] out = new float[first.length * columns];
            double[] sum = new double[columns];
            for (int i = 0; i < first.length; i++) {
                double[] w = weights[i];
                for (; next < first[i] + w.length; next++) {
                    image.row(next, ring[next % widest]);
                }
                Arrays.fill(sum, 0);
                for (int k = 0; k < w.length; k++) {
                    double[] row = ring[(first[i] + k) % widest];
                    double weight = w[k];
                    for (int x = 0; x < columns; x++) {
                        sum[x] += weight * row[x];
                    }
                }
                for (int x = 0; x < columns; x++) {
                    out[i * columns + x] = (float) sum[x];
                }
            }
            return out;
        }

        /** The kernel along one row of {@code in} starting at {@code inOffset}, into {@code out}. */
        void apply(float[] in, int inOffset, float[] out, int outOffset) {
            for (int i = 0; i < first.length; i++) {
                double[] w = weights[i];
                int at = inOffset + first[i];
                // Summed in double: a constant image then comes out bit-identical, not off by a float ulp.
                double sum = 0;
                for (int k = 0; k < w.length; k++) {
                    sum += w[k] * in[at + k];
                }
                out[outOffset + i] = (float) sum;
            }
        }
    }
}

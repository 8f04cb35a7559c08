package org.osteonode.pixels;

import java.util.Arrays;
import java.util.Comparator;

/**
 * A VOI window from the pixels themselves, for objects without Window Center and Width: the modality values
 * at two percentiles, by nearest rank. The percentiles count in presentation order (from black to white), so
 * that a lower percentile of 0.5 blackens the darkest 0.5 % of the pixels whatever the Photometric
 * Interpretation; a MONOCHROME1 image and its MONOCHROME2 twin thus get mirrored windows and the same output.
 */
public final class PercentileWindow {
    private PercentileWindow() {
    }

    /**
     * @param storedValues the frame's stored values (at most 16 bits, as CR and DX have)
     * @param lowerPercentile in [0, 100), the share of pixels presented black
     * @param upperPercentile in (lowerPercentile, 100], 100 minus the share presented white
     */
    public static VoiWindow of(int[] storedValues, ModalityLut modalityLut, double lowerPercentile,
            double upperPercentile, PhotometricInterpretation photometricInterpretation) {
        if (storedValues.length == 0) {
            throw new IllegalArgumentException("no pixels");
        }
        SortedValues sorted = SortedValues.of(storedValues, modalityLut);
        long last = storedValues.length - 1L;
        long lowerRank = Math.round(lowerPercentile / 100 * last);
        long upperRank = Math.round(upperPercentile / 100 * last);
        if (photometricInterpretation == PhotometricInterpretation.MONOCHROME1) {
            // Presentation order is descending modality order: rank r from black is rank last - r ascending.
            return VoiWindow.between(sorted.atRank(last - upperRank), sorted.atRank(last - lowerRank));
        }
        return VoiWindow.between(sorted.atRank(lowerRank), sorted.atRank(upperRank));
    }

    /**
     * The frame's modality values in ascending order, as distinct values with their counts. Stored values are
     * at most 16 bits, so a histogram of them costs one pass, where sorting millions of pixels would not; each
     * distinct value goes through the Modality LUT once, which need not be monotonic.
     */
    private record SortedValues(float[] values, long[] cumulativeCounts) {
        static SortedValues of(int[] storedValues, ModalityLut modalityLut) {
            int min = Integer.MAX_VALUE;
            int max = Integer.MIN_VALUE;
            for (int value : storedValues) {
                min = Math.min(min, value);
                max = Math.max(max, value);
            }
            if ((long) max - min >= 1 << 17) {
                throw new IllegalArgumentException("stored values span more than 17 bits");
            }
            int[] histogram = new int[max - min + 1];
            for (int value : storedValues) {
                histogram[value - min]++;
            }
            int distinct = 0;
            for (int count : histogram) {
                distinct += count > 0 ? 1 : 0;
            }
            Integer[] order = new Integer[distinct];
            float[] modality = new float[distinct];
            int[] counts = new int[distinct];
            for (int i = 0, d = 0; i < histogram.length; i++) {
                if (histogram[i] > 0) {
                    modality[d] = modalityLut.apply(min + i);
                    counts[d] = histogram[i];
                    order[d] = d;
                    d++;
                }
            }
            Arrays.sort(order, Comparator.comparingDouble(d -> modality[d]));
            float[] values = new float[distinct];
            long[] cumulative = new long[distinct];
            long total = 0;
            for (int i = 0; i < distinct; i++) {
                values[i] = modality[order[i]];
                total += counts[order[i]];
                cumulative[i] = total;
            }
            return new SortedValues(values, cumulative);
        }

        /** The value at 0-based rank {@code rank} of the ascending sequence of all pixels. */
        float atRank(long rank) {
            int index = Arrays.binarySearch(cumulativeCounts, rank + 1);
            return values[index >= 0 ? index : -index - 1];
        }
    }
}

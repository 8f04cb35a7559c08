package org.osteonode.pixels;

import java.util.Arrays;
import java.util.function.IntToDoubleFunction;

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
        SampleCoding coding = SampleCoding.holding(storedValues);
        return of(SampleHistogram.of(coding.words(storedValues)), word -> modalityLut.apply(coding.stored(word)),
                lowerPercentile, upperPercentile, photometricInterpretation);
    }

    /** @param modality a word's modality value (a float widened to double) */
    static VoiWindow of(SampleHistogram histogram, IntToDoubleFunction modality, double lowerPercentile,
            double upperPercentile, PhotometricInterpretation photometricInterpretation) {
        SortedValues sorted = SortedValues.of(histogram, modality);
        long last = sorted.cumulativeCounts()[sorted.cumulativeCounts().length - 1] - 1;
        long lowerRank = Math.round(lowerPercentile / 100 * last);
        long upperRank = Math.round(upperPercentile / 100 * last);
        if (photometricInterpretation == PhotometricInterpretation.MONOCHROME1) {
            // Presentation order is descending modality order: rank r from black is rank last - r ascending.
            return VoiWindow.between(sorted.atRank(last - upperRank), sorted.atRank(last - lowerRank));
        }
        return VoiWindow.between(sorted.atRank(lowerRank), sorted.atRank(upperRank));
    }

    /**
     * The frame's modality values in ascending order, as distinct words with their counts. Each word that
     * occurs goes through the Modality LUT once. Plain unsigned words with a rescale of positive slope keep the
     * word order; anything else (signed words, bits above High Bit, a table, which need not be monotonic) is
     * sorted, ties in word order.
     */
    private record SortedValues(float[] values, long[] cumulativeCounts) {
        static SortedValues of(SampleHistogram histogram, IntToDoubleFunction modalityOfWord) {
            int[] counts = histogram.counts();
            int distinct = 0;
            for (int count : counts) {
                distinct += count > 0 ? 1 : 0;
            }
            float[] modality = new float[distinct];
            int[] modalityCounts = new int[distinct];
            boolean ascending = true;
            for (int word = 0, d = 0; word < counts.length; word++) {
                if (counts[word] > 0) {
                    modality[d] = (float) modalityOfWord.applyAsDouble(word);
                    modalityCounts[d] = counts[word];
                    ascending &= d == 0 || Float.compare(modality[d - 1], modality[d]) <= 0;
                    d++;
                }
            }
            int[] order = ascending ? identity(distinct) : ascendingOrder(modality);
            float[] values = new float[distinct];
            long[] cumulative = new long[distinct];
            long total = 0;
            for (int i = 0; i < distinct; i++) {
                values[i] = modality[order[i]];
                total += modalityCounts[order[i]];
                cumulative[i] = total;
            }
            return new SortedValues(values, cumulative);
        }

        private static int[] identity(int size) {
            int[] order = new int[size];
            for (int i = 0; i < size; i++) {
                order[i] = i;
            }
            return order;
        }

        /** Indexes of {@code values} in ascending order of value, equal values by index: one primitive sort. */
        private static int[] ascendingOrder(float[] values) {
            long[] keys = new long[values.length];
            for (int i = 0; i < values.length; i++) {
                int bits = Float.floatToIntBits(values[i]);
                int ordered = bits ^ ((bits >> 31) & 0x7fffffff); // Float.compare order as signed int order
                keys[i] = (long) ordered << 32 | i;
            }
            Arrays.sort(keys);
            int[] order = new int[values.length];
            for (int i = 0; i < values.length; i++) {
                order[i] = (int) keys[i];
            }
            return order;
        }

        /** The value at 0-based rank {@code rank} of the ascending sequence of all pixels. */
        float atRank(long rank) {
            int index = Arrays.binarySearch(cumulativeCounts, rank + 1);
            return values[index >= 0 ? index : -index - 1];
        }
    }
}

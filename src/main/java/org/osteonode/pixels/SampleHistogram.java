package org.osteonode.pixels;

import java.util.function.IntToDoubleFunction;

/**
 * How many pixels of a frame hold each sample word, for the percentile window. Words have at most 16 bits, so
 * anything computed per pixel from the word alone (stored value, Modality LUT, window) is computed once per word
 * into a table and looked up per pixel.
 *
 * @param counts {@code counts[w]}: the number of pixels whose sample word is {@code w}, 65536 entries
 */
record SampleHistogram(int[] counts) {
    static final int WORDS = 1 << 16;

    static SampleHistogram of(short[] samples) {
        int[] counts = new int[WORDS];
        for (short sample : samples) {
            counts[sample & 0xffff]++;
        }
        return new SampleHistogram(counts);
    }

    /**
     * The same counts without the words {@code excluded} names (pixel padding); all of them when nothing else
     * would be left, so that an image of padding alone still gets a window.
     */
    SampleHistogram without(java.util.function.IntPredicate excluded) {
        int[] kept = counts.clone();
        boolean anyLeft = false;
        for (int word = 0; word < WORDS; word++) {
            if (kept[word] > 0 && excluded.test(word)) {
                kept[word] = 0;
            }
            anyLeft |= kept[word] > 0;
        }
        return anyLeft ? new SampleHistogram(kept) : this;
    }

    /** {@code function} of every word that occurs, cast to float: a table for {@link #lookUp}. */
    float[] table(IntToDoubleFunction function) {
        float[] table = new float[WORDS];
        for (int word = 0; word < WORDS; word++) {
            if (counts[word] > 0) {
                table[word] = (float) function.applyAsDouble(word);
            }
        }
        return table;
    }

    /** {@code function} of every possible word, cast to float: a table for {@link #lookUp}. */
    static float[] fullTable(IntToDoubleFunction function) {
        float[] table = new float[WORDS];
        for (int word = 0; word < WORDS; word++) {
            table[word] = (float) function.applyAsDouble(word);
        }
        return table;
    }

    /** Each sample's entry in {@code table}: the same bits as computing the table's function per pixel. */
    static float[] lookUp(short[] samples, float[] table) {
        float[] mapped = new float[samples.length];
        for (int i = 0; i < samples.length; i++) {
            mapped[i] = table[samples[i] & 0xffff];
        }
        return mapped;
    }
}

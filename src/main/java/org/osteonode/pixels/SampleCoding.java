package org.osteonode.pixels;

/**
 * How a stored value sits in a sample word (PS3.5 8.1.1): the Bits Stored bits ending at High Bit, two's
 * complement when Pixel Representation is 1; the other bits may hold anything. Words are 8 or 16 bits, read as
 * unsigned ints (0 to 65535).
 */
public record SampleCoding(int bitsStored, int highBit, boolean signed) {
    /** Words as PixelMed writes plain 16-bit values: all 16 bits, unsigned. */
    public static final SampleCoding UNSIGNED_16 = new SampleCoding(16, 15, false);
    /** All 16 bits, two's complement. */
    public static final SampleCoding SIGNED_16 = new SampleCoding(16, 15, true);

    public SampleCoding {
        if (bitsStored < 1 || bitsStored > 16 || highBit < bitsStored - 1 || highBit > 15) {
            throw new IllegalArgumentException("Bits Stored " + bitsStored + " / High Bit " + highBit
                    + " do not fit a 16-bit word");
        }
    }

    /** The stored value of a word (0 to 65535). */
    public int stored(int word) {
        int value = (word >>> (highBit + 1 - bitsStored)) & ((1 << bitsStored) - 1);
        if (signed && (value & (1 << (bitsStored - 1))) != 0) {
            value -= 1 << bitsStored;
        }
        return value;
    }

    /** The coding of plain values: unsigned 16 bits when none is negative, else signed 16 bits. */
    static SampleCoding holding(int[] storedValues) {
        int min = 0;
        int max = 0;
        for (int value : storedValues) {
            min = Math.min(min, value);
            max = Math.max(max, value);
        }
        if (max <= 0xffff && min >= 0) {
            return UNSIGNED_16;
        }
        if (max <= Short.MAX_VALUE && min >= Short.MIN_VALUE) {
            return SIGNED_16;
        }
        throw new IllegalArgumentException("stored values from " + min + " to " + max + " do not fit 16 bits");
    }

    /** The words holding plain values in this coding (one of the two 16-bit codings). */
    short[] words(int[] storedValues) {
        short[] words = new short[storedValues.length];
        for (int i = 0; i < words.length; i++) {
            words[i] = (short) storedValues[i];
        }
        return words;
    }
}

package org.osteonode.pixels;

/**
 * An image handed over one row at a time, so that a large image need never exist whole as floats: the resampler
 * asks for each row once, in order, into a buffer of its own.
 */
@FunctionalInterface
interface RowSource {
    /** Writes row {@code y} (0-based) into {@code into}, which holds exactly one row. */
    void row(int y, double[] into);

    /** The rows of a row-major image held whole. */
    static RowSource of(float[] image, int columns) {
        return (y, into) -> {
            for (int x = 0, at = y * columns; x < columns; x++, at++) {
                into[x] = image[at];
            }
        };
    }
}

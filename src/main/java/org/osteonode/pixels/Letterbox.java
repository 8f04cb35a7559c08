package org.osteonode.pixels;

import java.util.Arrays;

/**
 * Fits an image into the model's input size keeping its aspect ratio: scaled by the same factor in both
 * directions until one side fills, centred, the rest padded. Distorting a radiograph to a square would change
 * the shapes of vertebrae and femoral necks the model looks at.
 */
public final class Letterbox {
    /** Padding presents black (presentation value 0), like the unexposed border of a film. */
    public static final float PAD = 0f;

    private Letterbox() {
    }

    /** A {@code height × width} image (row-major) holding {@code image} scaled, centred and padded. */
    public static float[] fit(float[] image, int rows, int columns, int height, int width) {
        return fit(RowSource.of(image, columns), rows, columns, height, width);
    }

    /** The same, from an image given row by row. */
    static float[] fit(RowSource image, int rows, int columns, int height, int width) {
        double scale = Math.min((double) height / rows, (double) width / columns);
        int scaledRows = Math.max(1, Math.min(height, (int) Math.round(rows * scale)));
        int scaledColumns = Math.max(1, Math.min(width, (int) Math.round(columns * scale)));
        float[] scaled = scaledRows == rows && scaledColumns == columns
                ? whole(image, rows, columns)
                : BilinearResampler.resize(image, rows, columns, scaledRows, scaledColumns);
        if (scaledRows == height && scaledColumns == width) {
            return scaled;
        }
        float[] fitted = new float[height * width];
        Arrays.fill(fitted, PAD);
        int top = (height - scaledRows) / 2;
        int left = (width - scaledColumns) / 2;
        for (int y = 0; y < scaledRows; y++) {
            System.arraycopy(scaled, y * scaledColumns, fitted, (top + y) * width + left, scaledColumns);
        }
        return fitted;
    }

    private static float[] whole(RowSource image, int rows, int columns) {
        float[] whole = new float[rows * columns];
        double[] row = new double[columns];
        for (int y = 0; y < rows; y++) {
            image.row(y, row);
            for (int x = 0; x < columns; x++) {
                whole[y * columns + x] = (float) row[x];
            }
        }
        return whole;
    }
}

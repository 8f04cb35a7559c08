package org.osteonode.export;

import java.awt.image.BufferedImage;
import java.awt.image.WritableRaster;

/** Presentation values in [0, 1] (0 black) as a grayscale image of 8 or 16 bits, rounded to the nearest level. */
final class Png {
    private Png() {
    }

    static BufferedImage gray(float[] presented, int rows, int columns, int bits) {
        BufferedImage image = new BufferedImage(columns, rows,
                bits == 8 ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_USHORT_GRAY);
        WritableRaster raster = image.getRaster();
        int[] levels = new int[presented.length];
        for (int i = 0; i < presented.length; i++) {
            levels[i] = level(presented[i], bits);
        }
        raster.setPixels(0, 0, columns, rows, levels);
        return image;
    }

    /** The level a presentation value becomes: the nearest of 2^bits, clamped. */
    static int level(float presented, int bits) {
        int max = (1 << bits) - 1;
        return Math.max(0, Math.min(max, Math.round(presented * max)));
    }
}

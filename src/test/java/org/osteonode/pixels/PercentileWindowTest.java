package org.osteonode.pixels;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.osteonode.pixels.PhotometricInterpretation.MONOCHROME1;
import static org.osteonode.pixels.PhotometricInterpretation.MONOCHROME2;

class PercentileWindowTest {
    private static final ModalityLut IDENTITY = ModalityLut.Rescale.IDENTITY;

    @Test
    void boundsAreTheValuesAtTheNearestRanks() {
        // 1000 pixels 0..999: rank round(0.005 × 999) = 5 and round(0.995 × 999) = 994.
        assertThat(PercentileWindow.of(range(1000), IDENTITY, 0.5, 99.5, MONOCHROME2))
                .isEqualTo(VoiWindow.between(5, 994));
    }

    @Test
    void pixelOrderDoesNotMatter() {
        int[] shuffled = range(1000);
        Random random = new Random(7);
        for (int i = shuffled.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int swap = shuffled[i];
            shuffled[i] = shuffled[j];
            shuffled[j] = swap;
        }

        assertThat(PercentileWindow.of(shuffled, IDENTITY, 0.5, 99.5, MONOCHROME2))
                .isEqualTo(VoiWindow.between(5, 994));
    }

    @Test
    void repeatedValuesCountOncePerPixel() {
        int[] values = new int[1000];
        for (int i = 990; i < 1000; i++) {
            values[i] = 1000;
        }

        assertThat(PercentileWindow.of(values, IDENTITY, 0.5, 99.5, MONOCHROME2))
                .isEqualTo(VoiWindow.between(0, 1000));
        assertThat(PercentileWindow.of(values, IDENTITY, 0.5, 98, MONOCHROME2))
                .isEqualTo(VoiWindow.between(0, 0));
    }

    @Test
    void percentilesCountFromBlackSoMonochrome1CountsFromTheHighestValue() {
        // 1 % black, 10 % white: for MONOCHROME2 the lowest 1 % and the highest 10 % of values saturate,
        // for MONOCHROME1 (high values present dark) the highest 1 % and the lowest 10 %.
        assertThat(PercentileWindow.of(range(1000), IDENTITY, 1, 90, MONOCHROME2))
                .isEqualTo(VoiWindow.between(10, 899));
        assertThat(PercentileWindow.of(range(1000), IDENTITY, 1, 90, MONOCHROME1))
                .isEqualTo(VoiWindow.between(100, 989));
    }

    @Test
    void boundsAreModalityValuesEvenWhenTheLutReversesTheOrder() {
        ModalityLut negative = new ModalityLut.Rescale(-1, 0);

        assertThat(PercentileWindow.of(range(1000), negative, 0.5, 99.5, MONOCHROME2))
                .isEqualTo(VoiWindow.between(-994, -5));
    }

    @Test
    void theWholeRangeAtZeroAndOneHundred() {
        assertThat(PercentileWindow.of(new int[] {-7, 3, 12}, IDENTITY, 0, 100, MONOCHROME2))
                .isEqualTo(VoiWindow.between(-7, 12));
    }

    private static int[] range(int n) {
        int[] values = new int[n];
        for (int i = 0; i < n; i++) {
            values[i] = i;
        }
        return values;
    }
}

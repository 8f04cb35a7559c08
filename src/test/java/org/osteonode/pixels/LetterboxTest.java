package org.osteonode.pixels;

import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class LetterboxTest {

    @Test
    void aTallImageFillsTheHeightAndIsCentredBetweenPaddedSides() {
        float[] image = constant(100, 50, 0.7f);

        float[] fitted = Letterbox.fit(image, 100, 50, 64, 64);

        // Scale 0.64: 64 rows × 32 columns, 16 columns of padding each side.
        for (int y = 0; y < 64; y++) {
            for (int x = 0; x < 64; x++) {
                float expected = x >= 16 && x < 48 ? 0.7f : Letterbox.PAD;
                assertThat(fitted[y * 64 + x]).as("(%d, %d)", y, x).isCloseTo(expected, within(1e-6f));
            }
        }
    }

    @Test
    void aWideImageFillsTheWidthAndIsPaddedAboveAndBelow() {
        float[] fitted = Letterbox.fit(constant(30, 90, 1f), 30, 90, 12, 12);

        // Scale 12/90: 4 rows × 12 columns, rows 4 to 7.
        for (int y = 0; y < 12; y++) {
            float expected = y >= 4 && y < 8 ? 1f : 0f;
            for (int x = 0; x < 12; x++) {
                assertThat(fitted[y * 12 + x]).as("(%d, %d)", y, x).isCloseTo(expected, within(1e-6f));
            }
        }
    }

    @Test
    void anOddMarginPutsTheExtraPixelAfterTheImage() {
        float[] fitted = Letterbox.fit(constant(3, 1, 1f), 3, 1, 3, 4);

        assertThat(Arrays.copyOfRange(fitted, 0, 4)).containsExactly(0, 1, 0, 0);
    }

    @Test
    void anImageOfTheInputSizeIsCopiedUnchanged() {
        float[] image = {0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f};

        float[] fitted = Letterbox.fit(image, 2, 3, 2, 3);

        assertThat(fitted).containsExactly(image).isNotSameAs(image);
    }

    @Test
    void aSmallImageIsEnlargedToFit() {
        float[] fitted = Letterbox.fit(constant(2, 4, 0.5f), 2, 4, 8, 8);

        // Scale 2: 4 rows × 8 columns, rows 2 to 5.
        assertThat(Arrays.copyOfRange(fitted, 0, 16)).containsOnly(0f);
        assertThat(Arrays.copyOfRange(fitted, 16, 48)).containsOnly(0.5f);
        assertThat(Arrays.copyOfRange(fitted, 48, 64)).containsOnly(0f);
    }

    private static float[] constant(int rows, int columns, float value) {
        float[] image = new float[rows * columns];
        Arrays.fill(image, value);
        return image;
    }
}

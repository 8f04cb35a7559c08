package org.osteonode.pixels;

import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class BilinearResamplerTest {

    @Test
    void doublingInterpolatesBetweenPixelCentres() {
        float[] out = BilinearResampler.resize(new float[] {0, 1}, 1, 2, 1, 4);

        assertThat(out).containsExactly(new float[] {0, 0.25f, 0.75f, 1}, within(1e-6f));
    }

    @Test
    void halvingAveragesNeighboursAndKeepsARamp() {
        float[] ramp = {0, 1, 2, 3, 4, 5, 6, 7};

        float[] out = BilinearResampler.resize(ramp, 1, 8, 1, 4);

        // Interior outputs sit at the centre of pixel pairs (2, 3) and (4, 5).
        assertThat(out[1]).isCloseTo(2.5f, within(1e-5f));
        assertThat(out[2]).isCloseTo(4.5f, within(1e-5f));
    }

    @Test
    void aConstantImageStaysConstantInBothDirections() {
        float[] image = new float[30 * 20];
        Arrays.fill(image, 0.375f);

        assertThat(BilinearResampler.resize(image, 30, 20, 7, 11)).containsOnly(0.375f);
        assertThat(BilinearResampler.resize(image, 30, 20, 61, 45)).containsOnly(0.375f);
    }

    @Test
    void shrinkingAFinePatternAveragesItInsteadOfAliasing() {
        // Alternating lines, like an anti-scatter grid: a 4-pixel bilinear would pick near-0 or near-1 values.
        float[] lines = new float[64];
        for (int x = 0; x < lines.length; x++) {
            lines[x] = x % 2;
        }

        float[] out = BilinearResampler.resize(lines, 1, 64, 1, 8);

        for (int x = 1; x < out.length - 1; x++) {
            assertThat(out[x]).isCloseTo(0.5f, within(0.02f));
        }
    }

    @Test
    void rowsAndColumnsAreResampledIndependently() {
        // 2 × 2 → 4 × 4: the top-left output reads only the top-left input, as edge pixels are clamped.
        float[] out = BilinearResampler.resize(new float[] {0, 1, 2, 3}, 2, 2, 4, 4);

        assertThat(out[0]).isEqualTo(0f);
        assertThat(out[15]).isEqualTo(3f);
        // Row 1, column 1: three quarters of (0, 1) at 0.25 and one quarter of (2, 3) at 2.25.
        assertThat(out[5]).isCloseTo(0.75f, within(1e-6f));
    }
}

package org.osteonode.pixels;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.osteonode.pixels.PhotometricInterpretation.MONOCHROME1;
import static org.osteonode.pixels.PhotometricInterpretation.MONOCHROME2;

class PreprocessorTest {
    private static final int MAX_12_BIT = 4095;

    @TempDir
    Path temp;

    @Test
    void aMonochrome1ImageAndItsMonochrome2TwinGiveTheSameTensorWithTheirWindows() {
        int[] values = random12Bit(48, 40, 1);
        // The twin stores 4095 - v; its window mirrors the original's around the same point, the center
        // moving to 4095 + 1 - c because PS3.3's linear function is centred on c - 0.5.
        MonochromeFrame mono2 = frame(48, 40, values, MONOCHROME2, VoiWindow.ofCenterWidth(1800, 1500,
                VoiLutFunction.LINEAR));
        MonochromeFrame mono1 = frame(48, 40, mirrored(values), MONOCHROME1,
                VoiWindow.ofCenterWidth(MAX_12_BIT + 1 - 1800, 1500, VoiLutFunction.LINEAR));
        Preprocessor preprocessor = new Preprocessor(new InputSpec(32, 32, 1, 0.45, 0.22, 0.5, 99.5));

        float[] fromMono2 = preprocessor.tensor(mono2);

        assertThat(preprocessor.tensor(mono1)).containsExactly(fromMono2);
        assertThat(distinct(fromMono2)).as("gray levels, not a saturated image").isGreaterThan(100);
    }

    @Test
    void aMonochrome1ImageAndItsMonochrome2TwinGiveTheSameTensorWithPercentileWindows() {
        int[] values = random12Bit(50, 30, 2);
        // Asymmetric percentiles: they count from black, whichever end of the values that is.
        Preprocessor preprocessor = new Preprocessor(new InputSpec(20, 24, 1, 0.5, 0.25, 2, 97));

        float[] fromMono2 = preprocessor.tensor(frame(50, 30, values, MONOCHROME2, null));
        float[] fromMono1 = preprocessor.tensor(frame(50, 30, mirrored(values), MONOCHROME1, null));

        assertThat(fromMono1).containsExactly(fromMono2);
    }

    @Test
    void aMonochrome1FileAndItsMonochrome2TwinFileGiveTheSameTensor() throws Exception {
        int[] values = random12Bit(64, 48, 3);
        Path mono2 = CraftedImage.of(64, 48).samples(1, values).window("2000", "3000")
                .rescale("2", "-1000").write(temp.resolve("mono2.dcm"));
        // With Rescale 2 / -1000 the twin's modality values are 6190 - m (6190 = 2 × 4095 - 2 × 1000), so its
        // window center is 6190 + 1 - 2000.
        Path mono1 = CraftedImage.of(64, 48).samples(1, mirrored(values)).photometricInterpretation("MONOCHROME1")
                .window(Integer.toString(6190 + 1 - 2000), "3000").rescale("2", "-1000")
                .write(temp.resolve("mono1.dcm"));
        Preprocessor preprocessor = new Preprocessor(InputSpec.grayscale(40, 40, 0.5, 0.25));

        float[] fromMono2 = preprocessor.tensor(mono2);

        assertThat(preprocessor.tensor(mono1)).containsExactly(fromMono2);
        Path mono2WithoutWindow = CraftedImage.of(64, 48).samples(1, values).write(temp.resolve("m2.dcm"));
        Path mono1WithoutWindow = CraftedImage.of(64, 48).samples(1, mirrored(values))
                .photometricInterpretation("MONOCHROME1").write(temp.resolve("m1.dcm"));
        assertThat(preprocessor.tensor(mono1WithoutWindow)).containsExactly(preprocessor.tensor(mono2WithoutWindow));
    }

    @Test
    void presentationValuesAreNormalisedByMeanAndStdAndThePaddingToo() {
        int[] values = new int[4 * 2];
        Arrays.fill(values, 150);
        // Window 100..200 (LINEAR_EXACT): 150 presents as 0.5.
        MonochromeFrame frame = frame(4, 2, values, MONOCHROME2, VoiWindow.between(100, 200));
        Preprocessor preprocessor = new Preprocessor(InputSpec.grayscale(4, 4, 0.25, 0.5));

        float[] tensor = preprocessor.tensor(frame);

        float image = (0.5f - 0.25f) / 0.5f;
        float pad = (0f - 0.25f) / 0.5f;
        for (int y = 0; y < 4; y++) {
            assertThat(Arrays.copyOfRange(tensor, y * 4, y * 4 + 4)).containsExactly(pad, image, image, pad);
        }
    }

    @Test
    void grayscaleIsRepeatedIntoEveryChannel() {
        MonochromeFrame frame = frame(6, 6, random12Bit(6, 6, 4), MONOCHROME2, null);
        InputSpec spec = new InputSpec(5, 5, 3, 0.4, 0.3, 0.5, 99.5);

        float[] tensor = new Preprocessor(spec).tensor(frame);

        assertThat(tensor).hasSize(spec.size());
        assertThat(spec.shape()).containsExactly(1, 3, 5, 5);
        float[] first = Arrays.copyOfRange(tensor, 0, 25);
        assertThat(Arrays.copyOfRange(tensor, 25, 50)).containsExactly(first);
        assertThat(Arrays.copyOfRange(tensor, 50, 75)).containsExactly(first);
    }

    @Test
    void theModalityLutComesBeforeTheWindow() {
        // Stored 10 → modality 2 × 10 + 80 = 100, the window's lower bound: black. Stored 60 → 200: white.
        MonochromeFrame frame = new MonochromeFrame(1, 2, new int[] {10, 60}, MONOCHROME2,
                new ModalityLut.Rescale(2, 80), VoiWindow.between(100, 200));

        assertThat(Preprocessor.present(frame, 0.5, 99.5)).containsExactly(0f, 1f);
    }

    @Test
    void thePercentileWindowIsUsedOnlyWithoutWindowCenterAndWidth() {
        int[] values = new int[200];
        for (int i = 0; i < values.length; i++) {
            values[i] = i;
        }

        float[] percentile = Preprocessor.present(frame(10, 20, values, MONOCHROME2, null), 0, 100);
        float[] window = Preprocessor.present(frame(10, 20, values, MONOCHROME2, VoiWindow.between(0, 398)), 0, 100);

        assertThat(percentile[199]).isEqualTo(1f);
        assertThat(window[199]).isCloseTo(0.5f, within(1e-6f));
    }

    @ParameterizedTest
    @CsvSource({"MONOCHROME2, true", "MONOCHROME1, true", "MONOCHROME2, false", "MONOCHROME1, false"})
    void rowByRowGivesTheSameBitsAsPresentingTheWholeFrameThenFitting(PhotometricInterpretation pi,
            boolean withWindow) {
        // tensor() never holds the frame as floats: it presents rows as the resampler asks for them. The result
        // must be what the plain chain gives, bit for bit, shrinking (as for a radiograph) and enlarging.
        int[] values = random12Bit(300, 220, 7);
        VoiWindow window = withWindow ? VoiWindow.ofCenterWidth(1900, 1700, VoiLutFunction.LINEAR) : null;
        MonochromeFrame frame = new MonochromeFrame(300, 220, values, pi, new ModalityLut.Rescale(0.5, -20), window);
        for (InputSpec spec : List.of(new InputSpec(64, 48, 1, 0.5, 0.25, 1, 99),
                new InputSpec(512, 400, 1, 0.5, 0.25, 1, 99))) {
            float[] presented = Preprocessor.present(frame, spec.lowerPercentile(), spec.upperPercentile());
            float[] fitted = Letterbox.fit(presented, 300, 220, spec.height(), spec.width());

            float[] tensor = new Preprocessor(spec).tensor(frame);

            for (int i = 0; i < fitted.length; i++) {
                assertThat(tensor[i]).as("pixel %d", i).isEqualTo((float) ((fitted[i] - 0.5) / 0.25));
            }
        }
    }

    @Test
    void eachSampleWordIsPresentedAsItsStoredValue() {
        // Bits above High Bit hold junk (0xF000 here); the word's table entry must be that of its stored value.
        short[] words = {(short) 0xF000, (short) 0xF7FF, (short) 0x0FFF, 0x0800};
        MonochromeFrame frame = new MonochromeFrame(1, 4, words, new SampleCoding(12, 11, true), MONOCHROME2,
                ModalityLut.Rescale.IDENTITY, VoiWindow.between(-2048, 2047));

        assertThat(Preprocessor.present(frame, 0, 100)).containsExactly(0.5f + 0.5f / 4095, 1f, 0.5f - 0.5f / 4095, 0f);
    }

    private static MonochromeFrame frame(int rows, int columns, int[] values, PhotometricInterpretation pi,
            VoiWindow window) {
        return new MonochromeFrame(rows, columns, values.clone(), pi, ModalityLut.Rescale.IDENTITY, window);
    }

    private static int[] random12Bit(int rows, int columns, long seed) {
        Random random = new Random(seed);
        int[] values = new int[rows * columns];
        for (int i = 0; i < values.length; i++) {
            // A smooth gradient with noise, so that resizing mixes different values.
            values[i] = Math.min(MAX_12_BIT, (i % columns) * 40 + (i / columns) * 20 + random.nextInt(300));
        }
        return values;
    }

    private static long distinct(float[] values) {
        return IntStream.range(0, values.length).mapToObj(i -> values[i]).distinct().count();
    }

    private static int[] mirrored(int[] values) {
        int[] twin = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            twin[i] = MAX_12_BIT - values[i];
        }
        return twin;
    }
}

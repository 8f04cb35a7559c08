package org.osteonode.pixels;

import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.TransferSyntax;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.osteonode.testing.Dcmtk;
import org.osteonode.testing.SyntheticDicom;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every transfer syntax the node accepts, encoded by the tools of the field (dcmtk's dcmconv, dcmcjpeg,
 * dcmcjpls, dcmcrle; GDCM's gdcmconv) from a synthetic radiograph, then decoded here. Lossless encodings must
 * give back every stored value; lossy ones what dcmtk or GDCM decode them to. JPEG-LS and 12-bit JPEG are
 * decoded in a child process; without one they are refused with {@link UnsupportedTransferSyntaxException}.
 */
class PixelDecodingIT {
    private static final int ROWS = 96;
    private static final int COLUMNS = 128;

    @TempDir
    Path temp;

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "Implicit VR Little Endian,          1.2.840.10008.1.2,        dcmconv +ti",
        "Explicit VR Little Endian,          1.2.840.10008.1.2.1,      dcmconv +te",
        "Explicit VR Big Endian,             1.2.840.10008.1.2.2,      dcmconv +tb",
        "Deflated Explicit VR Little Endian, 1.2.840.10008.1.2.1.99,   dcmconv +td",
        "JPEG Lossless process 14 SV6,       1.2.840.10008.1.2.4.57,   dcmcjpeg +el",
        "JPEG Lossless process 14 SV1,       1.2.840.10008.1.2.4.70,   dcmcjpeg +e1",
        "JPEG 2000 Lossless,                 1.2.840.10008.1.2.4.90,   gdcmconv --j2k",
        "RLE Lossless,                       1.2.840.10008.1.2.5,      dcmcrle",
    })
    void aLosslessEncodingOfTheSyntheticRadiographDecodesToEveryStoredValue(String name, String transferSyntax,
            String encoder) throws Exception {
        SyntheticDicom radiograph = SyntheticDicom.radiograph().size(ROWS, COLUMNS);
        Path original = radiograph.write(temp.resolve("original.dcm"));
        int[] expected = twelveBits(radiograph.attributes());
        Path encoded = encode(encoder, original, transferSyntax);

        MonochromeFrame frame = PixelDataDecoder.firstFrame(encoded);

        assertThat(frame.storedValues()).containsExactly(expected);
        Preprocessor preprocessor = new Preprocessor(InputSpec.grayscale(64, 64, 0.5, 0.25));
        assertThat(preprocessor.tensor(encoded)).as("the same tensor as from the original")
                .containsExactly(preprocessor.tensor(original));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "signed 12 bits JPEG Lossless,    1.2.840.10008.1.2.4.57,   16, 12, true,  1, dcmcjpeg +el",
        "signed 12 bits JPEG 2000,        1.2.840.10008.1.2.4.90,   16, 12, true,  1, gdcmconv --j2k",
        "signed 12 bits RLE,              1.2.840.10008.1.2.5,      16, 12, true,  1, dcmcrle",
        "16 bits JPEG Lossless,           1.2.840.10008.1.2.4.70,   16, 16, false, 1, dcmcjpeg +e1",
        "16 bits JPEG 2000,               1.2.840.10008.1.2.4.90,   16, 16, false, 1, gdcmconv --j2k",
        "8 bits JPEG Lossless,            1.2.840.10008.1.2.4.70,   8,  8,  false, 1, dcmcjpeg +e1",
        "8 bits JPEG 2000,                1.2.840.10008.1.2.4.90,   8,  8,  false, 1, gdcmconv --j2k",
        "8 bits RLE,                      1.2.840.10008.1.2.5,      8,  8,  false, 1, dcmcrle",
        "first of 3 frames JPEG Lossless, 1.2.840.10008.1.2.4.70,   16, 12, false, 3, dcmcjpeg +e1",
        "first of 3 frames JPEG 2000,     1.2.840.10008.1.2.4.90,   16, 12, false, 3, gdcmconv --j2k",
        "first of 3 frames RLE,           1.2.840.10008.1.2.5,      16, 12, false, 3, dcmcrle",
    })
    void otherDepthsSignsAndFramesDecodeLosslesslyToo(String name, String transferSyntax, int bitsAllocated,
            int bitsStored, boolean signed, int frames, String encoder) throws Exception {
        int[] samples = pattern(frames, bitsStored, signed);
        CraftedImage image = CraftedImage.of(ROWS, COLUMNS).bits(bitsAllocated, bitsStored, bitsStored - 1)
                .samples(frames, samples);
        if (signed) {
            image.signed();
        }
        Path encoded = encode(encoder, image.write(temp.resolve("original.dcm")), transferSyntax);

        MonochromeFrame frame = PixelDataDecoder.firstFrame(encoded);

        assertThat(frame.storedValues()).containsExactly(Arrays.copyOf(samples, ROWS * COLUMNS));
    }

    /**
     * Lossy: the reference is what dcmtk (JPEG, libjpeg's integer IDCT like the JDK's) or GDCM (JPEG 2000,
     * OpenJPEG) decode the same file to. Both were measured identical; JPEG 2000 may differ by 1 because JJ2000
     * and OpenJPEG round the irreversible wavelet each its own way.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "JPEG Baseline 8 bits,       1.2.840.10008.1.2.4.50,   8,  dcmcjpeg +eb,            dcmdjpeg,      0",
        "JPEG Extended 8 bits,       1.2.840.10008.1.2.4.51,   8,  dcmcjpeg +ee,            dcmdjpeg,      0",
        "JPEG 2000 lossy 12 bits,    1.2.840.10008.1.2.4.91,   12, gdcmconv --j2k --lossy -r 10, gdcmconv --raw, 1",
    })
    void aLossyEncodingDecodesAsTheReferenceDecoderDoes(String name, String transferSyntax, int bitsStored,
            String encoder, String referenceDecoder, int tolerance) throws Exception {
        int[] samples = pattern(1, bitsStored, false);
        Path original = CraftedImage.of(ROWS, COLUMNS).bits(bitsStored > 8 ? 16 : 8, bitsStored, bitsStored - 1)
                .samples(1, samples).write(temp.resolve("original.dcm"));
        Path encoded = encode(encoder, original, transferSyntax);
        Path reference = temp.resolve("reference.dcm");
        run(referenceDecoder, encoded, reference);

        int[] decoded = PixelDataDecoder.firstFrame(encoded).storedValues();
        int[] expected = PixelDataDecoder.firstFrame(reference).storedValues();

        assertThat(maxDifference(decoded, expected)).as("largest difference from the reference decoder")
                .isLessThanOrEqualTo(tolerance);
        assertThat(meanDifference(decoded, samples)).as("mean error against the original, out of %d levels",
                1 << bitsStored).isLessThan((1 << bitsStored) / 100.0);
    }

    /**
     * JPEG-LS and 12-bit JPEG, decoded by dcmtk in a child process ({@link ChildProcessDecoder}). Lossless: every
     * stored value back, whoever encoded it. Lossy: the values dcmtk's own decoder writes, and, for what GDCM
     * encoded, also the values GDCM's own decoder writes (CharLS and libijg12 on either side).
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "JPEG-LS Lossless 12 bits (dcmtk),            1.2.840.10008.1.2.4.80,   16, 12, false, dcmcjpls",
        "JPEG-LS Lossless 16 bits (dcmtk),            1.2.840.10008.1.2.4.80,   16, 16, false, dcmcjpls",
        "JPEG-LS Lossless 8 bits (dcmtk),             1.2.840.10008.1.2.4.80,   8,  8,  false, dcmcjpls",
        "JPEG-LS Lossless 12 bits (GDCM),             1.2.840.10008.1.2.4.80,   16, 12, false, gdcmconv --jpegls",
        "JPEG-LS Lossless 16 bits (GDCM),             1.2.840.10008.1.2.4.80,   16, 16, false, gdcmconv --jpegls",
        "JPEG-LS Lossless signed 12 bits (GDCM),      1.2.840.10008.1.2.4.80,   16, 12, true,  gdcmconv --jpegls",
    })
    void aJpegLsLosslessEncodingDecodesInTheChildProcessToEveryStoredValue(String name, String transferSyntax,
            int bitsAllocated, int bitsStored, boolean signed, String encoder) throws Exception {
        int[] samples = pattern(1, bitsStored, signed);
        CraftedImage image = CraftedImage.of(ROWS, COLUMNS).bits(bitsAllocated, bitsStored, bitsStored - 1)
                .samples(1, samples);
        if (signed) {
            image.signed();
        }
        Path encoded = encode(encoder, image.write(temp.resolve("original.dcm")), transferSyntax);

        MonochromeFrame frame = withChildProcess().firstFrameOf(encoded);

        assertThat(frame.storedValues()).containsExactly(samples);
        assertThat(decodingFolder()).as("the child's private folder is gone").isEmptyDirectory();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "JPEG-LS Near-Lossless 12 bits (dcmtk),  1.2.840.10008.1.2.4.81,   12, dcmcjpls +en,                 dcmdjpls",
        "JPEG-LS Near-Lossless 12 bits (GDCM),   1.2.840.10008.1.2.4.81,   12, gdcmconv --jpegls --lossy -e 3, gdcmconv --raw",
        "JPEG-LS Near-Lossless 16 bits (GDCM),   1.2.840.10008.1.2.4.81,   16, gdcmconv --jpegls --lossy -e 3, gdcmconv --raw",
        "JPEG Extended 12 bits (dcmtk),          1.2.840.10008.1.2.4.51,   12, dcmcjpeg +ee,                 dcmdjpeg",
    })
    void aLossyEncodingTheChildProcessDecodesGivesTheReferenceDecodersValues(String name, String transferSyntax,
            int bitsStored, String encoder, String referenceDecoder) throws Exception {
        int[] samples = pattern(1, bitsStored, false);
        Path original = CraftedImage.of(ROWS, COLUMNS).bits(16, bitsStored, bitsStored - 1).samples(1, samples)
                .write(temp.resolve("original.dcm"));
        Path encoded = encode(encoder, original, transferSyntax);
        Path reference = temp.resolve("reference.dcm");
        run(referenceDecoder, encoded, reference);
        Path dcmtkReference = temp.resolve("dcmtk-reference.dcm");
        run(transferSyntax.equals(TransferSyntax.JPEGExtended) ? "dcmdjpeg" : "dcmdjpls", encoded, dcmtkReference);

        int[] decoded = withChildProcess().firstFrameOf(encoded).storedValues();

        assertThat(decoded).as("the reference decoder's values").containsExactly(
                PixelDataDecoder.firstFrame(reference).storedValues());
        assertThat(decoded).as("dcmtk's values").containsExactly(PixelDataDecoder.firstFrame(dcmtkReference)
                .storedValues());
        assertThat(maxDifference(decoded, samples)).as("lossy, but near the original").isGreaterThan(0)
                .isLessThan((1 << bitsStored) / 16);
    }

    /**
     * GDCM 3.0's "very experimental" lossy JPEG writes 12-bit data as a 16-bit precision DCT stream under JPEG
     * Extended, which allows 8 and 12 only (PS3.5 A.4.1, ISO/IEC 10918-1 process 4): dcmtk refuses it, and so
     * the node, with the decoder's reason.
     */
    @Test
    void gdcmsSixteenBitPrecisionJpegUnderJpegExtendedFailsToDecodeWithTheReason() throws Exception {
        Path original = CraftedImage.of(ROWS, COLUMNS).bits(16, 12, 11).samples(1, pattern(1, 12, false))
                .write(temp.resolve("original.dcm"));
        Path encoded = encode("gdcmconv --jpeg --lossy -q 90", original, TransferSyntax.JPEGExtended);
        PixelDataDecoder decoder = withChildProcess();

        assertThatThrownBy(() -> decoder.firstFrameOf(encoded)).isInstanceOf(DecodeFailedException.class)
                .hasMessage("dcmdjpeg exited with 1: F: Unsupported JPEG data precision 16: decompressing file: in.dcm");
        assertThat(decodingFolder()).isEmptyDirectory();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "JPEG-LS Lossless,               1.2.840.10008.1.2.4.80,   12, dcmcjpls",
        "JPEG-LS Near-Lossless,          1.2.840.10008.1.2.4.81,   12, dcmcjpls +en",
        "JPEG Extended 12 bits,          1.2.840.10008.1.2.4.51,   12, dcmcjpeg +ee",
    })
    void withoutAChildProcessAnEncodingJavaCannotDecodeIsRefusedAsSuch(String name, String transferSyntax,
            int bitsStored, String encoder) throws Exception {
        Path original = CraftedImage.of(ROWS, COLUMNS).bits(16, bitsStored, bitsStored - 1)
                .samples(1, pattern(1, bitsStored, false)).write(temp.resolve("original.dcm"));
        Path encoded = encode(encoder, original, transferSyntax);
        Preprocessor preprocessor = new Preprocessor(InputSpec.grayscale(64, 64, 0.5, 0.25));

        assertThatThrownBy(() -> preprocessor.tensor(encoded))
                .isInstanceOfSatisfying(UnsupportedTransferSyntaxException.class,
                        e -> assertThat(e.transferSyntaxUid()).isEqualTo(transferSyntax));
    }

    private PixelDataDecoder withChildProcess() throws Exception {
        return PixelDataDecoder.withChildProcess(ChildProcessDecoder.start(decodingFolder(),
                new ChildProcessDecoder.Limits(java.time.Duration.ofSeconds(30), 1L << 30)));
    }

    private Path decodingFolder() {
        return temp.resolve("decoding");
    }

    @Test
    void theSyntheticRadiographBecomesATensorOfTheModelsShape() throws Exception {
        Path file = SyntheticDicom.radiograph().size(300, 200).write(temp.resolve("dx.dcm"));
        InputSpec spec = new InputSpec(224, 224, 3, 0.485, 0.229, 0.5, 99.5);

        float[] tensor = new Preprocessor(spec).tensor(file);

        assertThat(tensor).hasSize(3 * 224 * 224);
        float pad = (float) ((0 - 0.485) / 0.229);
        assertThat(tensor[0]).as("left padding").isEqualTo(pad);
        assertThat(tensor[224 * 112 + 112]).as("image centre").isNotEqualTo(pad);
    }

    private Path encode(String encoder, Path original, String transferSyntax) throws Exception {
        Path encoded = temp.resolve("encoded.dcm");
        run(encoder, original, encoded);
        AttributeList meta = new AttributeList();
        meta.read(encoded.toString(), TagFromName.PixelData);
        assertThat(meta.get(TagFromName.TransferSyntaxUID).getSingleStringValueOrEmptyString())
                .as("the encoder wrote the transfer syntax under test").isEqualTo(transferSyntax);
        return encoded;
    }

    private static void run(String tool, Path in, Path out) throws Exception {
        List<String> command = new ArrayList<>(Arrays.asList(tool.split(" ")));
        command.addAll(List.of(in.toString(), out.toString()));
        Dcmtk.Result result = Dcmtk.run(command);
        assertThat(result.exitCode()).as(result.output()).isZero();
    }

    private static int[] twelveBits(AttributeList list) throws Exception {
        short[] words = list.get(TagFromName.PixelData).getShortValues();
        int[] values = new int[words.length];
        for (int i = 0; i < words.length; i++) {
            values[i] = words[i] & 0x0fff;
        }
        return values;
    }

    /**
     * A smooth ramp with an edge and fine stripes, spanning the whole range of the bits (signed: from the most
     * negative value), different per frame.
     */
    private static int[] pattern(int frames, int bitsStored, boolean signed) {
        int levels = 1 << bitsStored;
        int offset = signed ? -(levels / 2) : 0;
        int[] samples = new int[frames * ROWS * COLUMNS];
        for (int f = 0; f < frames; f++) {
            for (int y = 0; y < ROWS; y++) {
                for (int x = 0; x < COLUMNS; x++) {
                    long ramp = (long) (x + y + f * 17) * (levels - 1) / (ROWS + COLUMNS + 34);
                    long stripes = x > COLUMNS / 2 && y % 4 < 2 ? levels / 16 : 0;
                    int value = (int) Math.min(levels - 1, ramp + stripes) + offset;
                    samples[(f * ROWS + y) * COLUMNS + x] = value;
                }
            }
        }
        return samples;
    }

    private static int maxDifference(int[] a, int[] b) {
        int max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }

    private static double meanDifference(int[] a, int[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += Math.abs(a[i] - b[i]);
        }
        return sum / a.length;
    }
}

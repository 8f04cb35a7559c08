package org.osteonode.pixels;

import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.DicomInputStream;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.TransferSyntax;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Uncompressed files written by PixelMed; the compressed transfer syntaxes are in PixelDecodingIT. */
class PixelDataDecoderTest {
    @TempDir
    Path temp;

    @ParameterizedTest
    @ValueSource(strings = {TransferSyntax.ExplicitVRLittleEndian, TransferSyntax.ImplicitVRLittleEndian,
            TransferSyntax.ExplicitVRBigEndian})
    void twelveBitsStoredAreReadWithTheBitsAboveHighBitMasked(String transferSyntax) throws Exception {
        // The high nibble may carry anything (old overlays in unused bits): only Bits Stored count.
        Path file = CraftedImage.of(2, 3).bits(16, 12, 11).samples(1, 0, 1, 0x0fff, 0xf123, 0x1800, 0x8001)
                .write(temp.resolve("twelve.dcm"), transferSyntax);

        MonochromeFrame frame = PixelDataDecoder.firstFrame(file);

        assertThat(frame.rows()).isEqualTo(2);
        assertThat(frame.columns()).isEqualTo(3);
        assertThat(frame.storedValues()).containsExactly(0, 1, 0x0fff, 0x0123, 0x0800, 0x0001);
    }

    @Test
    void signedValuesAreSignExtendedFromBitsStored() throws Exception {
        Path file = CraftedImage.of(1, 4).bits(16, 12, 11).signed().samples(1, 0x0fff, 0x0800, 0x07ff, 0xf000)
                .write(temp.resolve("signed12.dcm"));

        assertThat(PixelDataDecoder.firstFrame(file).storedValues()).containsExactly(-1, -2048, 2047, 0);
    }

    @Test
    void sixteenBitSignedValuesAreReadAsSuch() throws Exception {
        Path file = CraftedImage.of(1, 3).bits(16, 16, 15).signed().samples(1, 0xffff, 0x8000, 0x7fff)
                .write(temp.resolve("signed16.dcm"));

        assertThat(PixelDataDecoder.firstFrame(file).storedValues()).containsExactly(-1, -32768, 32767);
    }

    @Test
    void aHighBitBelowTheTopShiftsTheValueDown() throws Exception {
        // Bits Stored 12 with High Bit 13: the value sits in bits 2 to 13 of each word.
        Path file = CraftedImage.of(1, 2).bits(16, 12, 13).samples(1, 0x0fff << 2 | 0x3, 5 << 2)
                .write(temp.resolve("shifted.dcm"));

        assertThat(PixelDataDecoder.firstFrame(file).storedValues()).containsExactly(0x0fff, 5);
    }

    @ParameterizedTest
    @ValueSource(strings = {TransferSyntax.ExplicitVRLittleEndian, TransferSyntax.ImplicitVRLittleEndian,
            TransferSyntax.ExplicitVRBigEndian})
    void eightBitsAllocatedAreReadOneBytePerSample(String transferSyntax) throws Exception {
        Path file = CraftedImage.of(1, 5).bits(8, 8, 7).samples(1, 0, 1, 127, 128, 255)
                .write(temp.resolve("eight.dcm"), transferSyntax);

        assertThat(PixelDataDecoder.firstFrame(file).storedValues()).containsExactly(0, 1, 127, 128, 255);
    }

    @ParameterizedTest
    @ValueSource(strings = {TransferSyntax.ExplicitVRLittleEndian, TransferSyntax.ExplicitVRBigEndian})
    void eightBitSamplesPackedInWordsAreReadLowByteFirst(String transferSyntax) throws Exception {
        Path file = CraftedImage.of(1, 5).bits(8, 8, 7).eightBitsInWords().samples(1, 0, 1, 127, 128, 255)
                .write(temp.resolve("packed.dcm"), transferSyntax);

        assertThat(PixelDataDecoder.firstFrame(file).storedValues()).containsExactly(0, 1, 127, 128, 255);
    }

    @Test
    void ofSeveralFramesOnlyTheFirstIsRead() throws Exception {
        Path file = CraftedImage.of(1, 2).samples(3, 10, 11, 20, 21, 30, 31).write(temp.resolve("frames.dcm"));

        assertThat(PixelDataDecoder.firstFrame(file).storedValues()).containsExactly(10, 11);
    }

    @Test
    void thePresentationAttributesComeWithThePixels() throws Exception {
        Path file = CraftedImage.of(1, 1).samples(1, 7).photometricInterpretation("MONOCHROME1")
                .window("100\\200", "11\\50").rescale("0.5", "-3").write(temp.resolve("mono1.dcm"));

        MonochromeFrame frame = PixelDataDecoder.firstFrame(file);

        assertThat(frame.photometricInterpretation()).isEqualTo(PhotometricInterpretation.MONOCHROME1);
        assertThat(frame.modalityLut()).isEqualTo(new ModalityLut.Rescale(0.5, -3));
        assertThat(frame.voi()).isEqualTo(VoiWindow.ofCenterWidth(100, 11, VoiLutFunction.LINEAR));
    }

    @Test
    void withoutWindowCenterAndWidthTheFrameHasNoWindow() throws Exception {
        Path file = CraftedImage.of(1, 1).samples(1, 7).write(temp.resolve("nowindow.dcm"));

        assertThat(PixelDataDecoder.firstFrame(file).voi()).isNull();
    }

    @ParameterizedTest
    @CsvSource({"1.2.840.10008.1.2, 16", "1.2.840.10008.1.2.1, 16", "1.2.840.10008.1.2, 8", "1.2.840.10008.1.2.1, 8"})
    void nativePixelDataReadInPlaceIsWhatPixelMedReads(String transferSyntax, int bitsAllocated) throws Exception {
        // The fast path reads the first frame's bytes at the offset where the header ended; PixelMed reads the
        // whole object. Two frames, so that reading past the first would show.
        int[] samples = new int[2 * 3 * 4];
        for (int i = 0; i < samples.length; i++) {
            samples[i] = (i * 37 + 5) % (bitsAllocated == 8 ? 256 : 4096);
        }
        Path file = CraftedImage.of(3, 4).bits(bitsAllocated, bitsAllocated == 8 ? 8 : 12, bitsAllocated == 8 ? 7 : 11)
                .samples(2, samples).write(temp.resolve("native.dcm"), transferSyntax);
        AttributeList header = new AttributeList();
        long stoppedAt;
        try (DicomInputStream in = new DicomInputStream(Files.newInputStream(file))) {
            stoppedAt = header.read(in, TagFromName.PixelData);
        }

        MonochromeFrame inPlace = PixelDataDecoder.firstFrame(header, file, stoppedAt - 4);
        MonochromeFrame byPixelMed = PixelDataDecoder.firstFrame(header, file, -1);

        assertThat(inPlace.storedValues()).containsExactly(Arrays.copyOf(samples, 12))
                .containsExactly(byPixelMed.storedValues());
    }

    @Test
    void pixelDataShorterThanRowsTimesColumnsIsRefusedOnBothPaths() throws Exception {
        Path file = CraftedImage.of(2, 2).samples(1, 1, 2, 3, 4).write(temp.resolve("short.dcm"));
        byte[] bytes = Files.readAllBytes(file);
        // Rows 2 → 3: the data now claim 6 samples where Pixel Data holds 4.
        AttributeList header = new AttributeList();
        long stoppedAt;
        try (DicomInputStream in = new DicomInputStream(new java.io.ByteArrayInputStream(bytes))) {
            stoppedAt = header.read(in, TagFromName.PixelData);
        }
        header.get(TagFromName.Rows).setValue(3);

        assertThatThrownBy(() -> PixelDataDecoder.firstFrame(header, file, stoppedAt - 4))
                .isInstanceOf(PixelDataException.class).hasMessageContaining("fewer samples");
        assertThatThrownBy(() -> PixelDataDecoder.firstFrame(header, file, -1))
                .isInstanceOf(PixelDataException.class).hasMessageContaining("fewer samples");
    }

    @Test
    void aFrameLargerThanAnyRadiographIsRefusedBeforeItsPixelsAreRead() throws Exception {
        Path file = CraftedImage.of(2, 2).samples(1, 1, 2, 3, 4).write(temp.resolve("huge.dcm"));
        AttributeList header = new AttributeList();
        try (DicomInputStream in = new DicomInputStream(Files.newInputStream(file))) {
            header.read(in, TagFromName.PixelData);
        }
        header.get(TagFromName.Rows).setValue(65535);
        header.get(TagFromName.Columns).setValue(65535);

        assertThatThrownBy(() -> PixelDataDecoder.firstFrame(header, file, -1))
                .isInstanceOf(PixelDataException.class).hasMessageContaining("larger than any radiograph");
    }

    @Test
    void aColourImageIsNotPresented() throws Exception {
        Path file = CraftedImage.of(1, 1).bits(8, 8, 7).rgb().samples(1, 1, 2, 3).write(temp.resolve("rgb.dcm"));

        assertThatThrownBy(() -> PixelDataDecoder.firstFrame(file)).isInstanceOf(PixelDataException.class)
                .isNotInstanceOf(UnsupportedTransferSyntaxException.class)
                .hasMessageContaining("Samples per Pixel 3");
    }

    @Test
    void aFileThatIsNotDicomIsAPixelDataExceptionWithoutItsPath() throws Exception {
        Path file = Files.writeString(temp.resolve("SMITH^JOHN.dcm"), "not DICOM at all");

        assertThatThrownBy(() -> PixelDataDecoder.firstFrame(file)).isInstanceOf(PixelDataException.class)
                .message().doesNotContain("SMITH");
    }
}

package org.osteonode.pixels;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.FileMetaInformation;
import com.pixelmed.dicom.OtherWordAttribute;
import com.pixelmed.dicom.SequenceAttribute;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.TransferSyntax;
import com.pixelmed.dicom.UnsignedShortAttribute;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osteonode.testing.Dcmtk;

import java.nio.file.Path;
import java.util.List;
import java.util.function.IntUnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * VOI LUT Sequence (PS3.3 C.11.2) and pixel padding (C.7.5.1.1.2), each pixel's presentation value compared with
 * one computed independently by pydicom's apply_modality_lut / apply_voi_lut and NumPy
 * (src/test/pixels/presentation_reference.py), on crafted CR/DX images, MONOCHROME1 and 2.
 */
class VoiLutAndPaddingTest {
    private static final int SIDE = 16;

    @TempDir
    Path temp;

    private static int[] ramp(int from, int to) {
        int[] samples = new int[SIDE * SIDE];
        for (int i = 0; i < samples.length; i++) {
            samples[i] = from + (int) ((long) (to - from) * i / (samples.length - 1));
        }
        return samples;
    }

    /** The first (and only) item of a VOI LUT Sequence: {@code entries} values of {@code lut}, 0 meaning 65,536. */
    private static void voiLut(AttributeList list, int entries, int firstMapped, int bits, IntUnaryOperator lut)
            throws Exception {
        int count = entries == 0 ? 65_536 : entries;
        Attribute descriptor = new UnsignedShortAttribute(TagFromName.LUTDescriptor);
        descriptor.addValue(entries);
        descriptor.addValue(firstMapped);
        descriptor.addValue(bits);
        short[] values = new short[count];
        for (int i = 0; i < count; i++) {
            values[i] = (short) lut.applyAsInt(i);
        }
        Attribute data = bits == 8 ? new UnsignedShortAttribute(TagFromName.LUTData)
                : new OtherWordAttribute(TagFromName.LUTData);
        if (bits == 8) {
            for (short value : values) {
                data.addValue(value & 0xffff);
            }
        } else {
            data.setValues(values);
        }
        AttributeList item = new AttributeList();
        item.put(descriptor);
        item.put(data);
        SequenceAttribute sequence = new SequenceAttribute(TagFromName.VOILUTSequence);
        sequence.addItem(item);
        list.put(sequence);
    }

    private static void padding(AttributeList list, int value, Integer rangeLimit) throws Exception {
        Attribute padding = new UnsignedShortAttribute(TagFromName.PixelPaddingValue);
        padding.addValue(value);
        list.put(padding);
        if (rangeLimit != null) {
            Attribute limit = new UnsignedShortAttribute(TagFromName.PixelPaddingRangeLimit);
            limit.addValue(rangeLimit);
            list.put(limit);
        }
    }

    /** osteonode's presentation values and pydicom's, pixel by pixel. */
    private Path write(AttributeList list, String name) throws Exception {
        Path file = temp.resolve(name + ".dcm");
        FileMetaInformation.addFileMetaInformation(list, TransferSyntax.ExplicitVRLittleEndian, "OSTEONODETEST");
        list.write(file.toFile(), TransferSyntax.ExplicitVRLittleEndian, true, true);
        return file;
    }

    private void assertSameAsPydicom(AttributeList list, String name, double tolerance) throws Exception {
        Path file = write(list, name);
        float[] ours = Preprocessor.present(PixelDataDecoder.firstFrame(file), 0.5, 99.5);
        Dcmtk.Result reference = Dcmtk.run(List.of("/usr/bin/python3", "src/test/pixels/presentation_reference.py",
                file.toString()));
        assertThat(reference.exitCode()).as(reference.output()).isZero();
        List<String> theirs = reference.output().lines().toList();
        assertThat(theirs).hasSize(ours.length);
        for (int i = 0; i < ours.length; i++) {
            assertThat((double) ours[i]).as(name + " pixel " + i).isCloseTo(Double.parseDouble(theirs.get(i)),
                    within(tolerance));
        }
    }

    @Test
    void aSixteenBitLutOnTwelveBitMonochrome2() throws Exception {
        AttributeList list = CraftedImage.of(SIDE, SIDE).samples(1, ramp(0, 4095)).attributes();
        voiLut(list, 4096, 0, 16, i -> (int) Math.round(65535 * Math.sqrt(i / 4095.0)));
        assertSameAsPydicom(list, "lut16-m2", 1e-5);
    }

    @Test
    void aTwelveBitLutStartingAbove0OnMonochrome1ClampsBothEnds() throws Exception {
        AttributeList list = CraftedImage.of(SIDE, SIDE).photometricInterpretation("MONOCHROME1")
                .samples(1, ramp(0, 1500)).attributes();
        voiLut(list, 1024, 100, 12, i -> Math.min(4095, i * 4));
        assertSameAsPydicom(list, "lut12-m1", 1e-5);
    }

    @Test
    void aDescriptorOf0EntriesMeans65536() throws Exception {
        AttributeList list = CraftedImage.of(SIDE, SIDE).bits(16, 16, 15).samples(1, ramp(0, 65535)).attributes();
        voiLut(list, 0, 0, 16, i -> 65535 - i);
        assertSameAsPydicom(list, "lut65536", 1e-5);
        assertThat(VoiLut.of(list, false).orElseThrow().entries()).hasSize(65_536);
    }

    @Test
    void anEightBitLut() throws Exception {
        // Values below 256 only: pydicom 2.3 indexes an 8-bit LUT with an 8-bit array, so its reference wraps from
        // 256 on (osteonode does not; clamping past the last entry is compared in the 12-bit case).
        AttributeList list = CraftedImage.of(SIDE, SIDE).samples(1, ramp(0, 255)).attributes();
        voiLut(list, 256, 0, 8, i -> 255 - i);
        assertSameAsPydicom(list, "lut8", 1e-5);
    }

    @Test
    void paddingPresentsBlackUnderALut() throws Exception {
        AttributeList list = CraftedImage.of(SIDE, SIDE).photometricInterpretation("MONOCHROME1")
                .samples(1, ramp(0, 1500)).attributes();
        voiLut(list, 1024, 100, 12, i -> Math.min(4095, i * 4));
        padding(list, 0, 20);
        assertSameAsPydicom(list, "padding-lut-m1", 1e-5);
    }

    @Test
    void paddingPresentsBlackUnderAWindowOnMonochrome1() throws Exception {
        AttributeList list = CraftedImage.of(SIDE, SIDE).photometricInterpretation("MONOCHROME1")
                .window("2048", "4096").samples(1, ramp(0, 4095)).attributes();
        padding(list, 4095, null);
        assertSameAsPydicom(list, "padding-window-m1", 1e-3);
    }

    @Test
    void paddingCountsInNoPercentile() throws Exception {
        // Half the image is collimator padding at 0; the rest a ramp 1000..1999. Counted, the padding would pull
        // the low percentile to 0 and present 1500 at three quarters; excluded, 1500 is mid-grey.
        int[] samples = new int[SIDE * SIDE * 8];
        for (int i = 0; i < samples.length; i++) {
            samples[i] = i % 2 == 0 ? 0 : 1000 + (int) ((long) 999 * (i / 2) / (samples.length / 2 - 1));
        }
        AttributeList list = CraftedImage.of(SIDE * 8, SIDE).samples(1, samples).attributes();
        padding(list, 0, null);
        MonochromeFrame frame = PixelDataDecoder.firstFrame(write(list, "padding-percentile"));
        float[] presented = Preprocessor.present(frame, 0.5, 99.5);

        assertThat(frame.padding()).isEqualTo(new PixelPadding(0, 0));
        int middle = 1;
        while (frame.storedValues()[middle] < 1500) {
            middle += 2;
        }
        assertThat((double) presented[middle]).isCloseTo(0.5, within(0.02));
        assertThat(presented[0]).as("padding is black").isZero();
        assertThat(presented[1]).as("the ramp's lowest value is at the low percentile").isZero();
    }

    @Test
    void aLutThatDoesNotAddUpIsIgnored() throws Exception {
        AttributeList list = CraftedImage.of(SIDE, SIDE).samples(1, ramp(0, 4095)).attributes();
        voiLut(list, 16, 0, 16, i -> i);
        ((SequenceAttribute) list.get(TagFromName.VOILUTSequence)).getItem(0).getAttributeList()
                .get(TagFromName.LUTDescriptor).setValue(4096); // claims more entries than the data holds
        assertThat(VoiLut.of(list, false)).isEmpty();
    }
}

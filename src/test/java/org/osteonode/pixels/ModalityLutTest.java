package org.osteonode.pixels;

import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.DecimalStringAttribute;
import com.pixelmed.dicom.SequenceAttribute;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.UnsignedShortAttribute;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ModalityLutTest {

    @Test
    void rescaleMultipliesBySlopeThenAddsIntercept() {
        ModalityLut lut = new ModalityLut.Rescale(2, -1024);

        assertThat(lut.apply(new int[] {0, 1, 1000, -5})).containsExactly(-1024f, -1022f, 976f, -1034f);
    }

    @Test
    void tableMapsFromTheFirstStoredValueAndClampsOutside() {
        ModalityLut lut = new ModalityLut.Table(100, new int[] {10, 20, 30});

        assertThat(lut.apply(new int[] {0, 99, 100, 101, 102, 103, 5000}))
                .containsExactly(10f, 10f, 10f, 20f, 30f, 30f, 30f);
    }

    @Test
    void withoutRescaleAttributesSlopeIsOneAndInterceptZero() throws Exception {
        assertThat(ModalityLut.of(new AttributeList(), false)).isEqualTo(ModalityLut.Rescale.IDENTITY);
    }

    @Test
    void rescaleAttributesAreRead() throws Exception {
        AttributeList list = new AttributeList();
        decimal(list, new DecimalStringAttribute(TagFromName.RescaleSlope), "0.5");
        decimal(list, new DecimalStringAttribute(TagFromName.RescaleIntercept), "-100");

        assertThat(ModalityLut.of(list, false)).isEqualTo(new ModalityLut.Rescale(0.5, -100));
    }

    @Test
    void aZeroSlopeIsRefusedRatherThanPresentingOneGrayValue() {
        AttributeList list = new AttributeList();

        assertThatThrownBy(() -> {
            decimal(list, new DecimalStringAttribute(TagFromName.RescaleSlope), "0");
            ModalityLut.of(list, false);
        }).isInstanceOf(PixelDataException.class).hasMessageContaining("Rescale Slope 0");
    }

    @Test
    void aModalityLutSequenceWinsOverRescale() throws Exception {
        AttributeList list = new AttributeList();
        decimal(list, new DecimalStringAttribute(TagFromName.RescaleSlope), "3");
        list.put(sequence(new int[] {3, 100, 16}, new int[] {10, 20, 40000}));

        ModalityLut lut = ModalityLut.of(list, false);

        assertThat(lut.apply(new int[] {99, 100, 101, 102, 103})).containsExactly(10f, 10f, 20f, 40000f, 40000f);
    }

    @Test
    void theFirstValueMappedIsSignedWhenPixelRepresentationIsSigned() throws Exception {
        AttributeList list = new AttributeList();
        list.put(sequence(new int[] {2, 0xffff & -100, 16}, new int[] {7, 8}));

        ModalityLut lut = ModalityLut.of(list, true);

        assertThat(lut.apply(new int[] {-101, -100, -99})).containsExactly(7f, 7f, 8f);
    }

    @Test
    void eightBitEntriesPackedTwoPerWordAreUnpackedLowByteFirst() throws Exception {
        AttributeList list = new AttributeList();
        list.put(sequence(new int[] {4, 0, 8}, new int[] {0x0201, 0x0403}));

        assertThat(ModalityLut.of(list, false).apply(new int[] {0, 1, 2, 3})).containsExactly(1f, 2f, 3f, 4f);
    }

    private static SequenceAttribute sequence(int[] descriptor, int[] data) throws Exception {
        AttributeList item = new AttributeList();
        UnsignedShortAttribute lutDescriptor = new UnsignedShortAttribute(TagFromName.LUTDescriptor);
        for (int value : descriptor) {
            lutDescriptor.addValue(value);
        }
        item.put(lutDescriptor);
        UnsignedShortAttribute lutData = new UnsignedShortAttribute(TagFromName.LUTData);
        for (int value : data) {
            lutData.addValue(value);
        }
        item.put(lutData);
        SequenceAttribute sequence = new SequenceAttribute(ModalityLut.MODALITY_LUT_SEQUENCE);
        sequence.addItem(item);
        return sequence;
    }

    private static void decimal(AttributeList list, DecimalStringAttribute attribute, String value) throws Exception {
        attribute.addValue(value);
        list.put(attribute);
    }
}

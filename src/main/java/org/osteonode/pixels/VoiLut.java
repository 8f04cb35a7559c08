package org.osteonode.pixels;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.SequenceAttribute;
import com.pixelmed.dicom.TagFromName;

import java.util.Optional;

/**
 * A VOI LUT as the modality wrote it (PS3.3 C.11.2.1.1), the first item of the VOI LUT Sequence: modality values
 * from {@code firstMapped} on index the table, those below take the first entry and those above the last; an entry
 * of {@code bits} bits presents as {@code entry / (2^bits - 1)}, MONOCHROME1 inverted as for a window.
 *
 * @param entries each entry's value, within {@code bits} bits
 */
public record VoiLut(int firstMapped, int bits, int[] entries) implements Voi {

    public VoiLut {
        if (bits < 1 || bits > 16 || entries.length == 0) {
            throw new IllegalArgumentException("a VOI LUT needs 1 to 16 bits per entry and at least one entry");
        }
    }

    /**
     * The object's VOI LUT, if it has a usable one: an LUT Descriptor of three values (number of entries, 0 meaning
     * 65,536; first value mapped; bits per entry, 8 to 16) and LUT Data holding that many entries. A table that
     * does not add up is ignored (the percentile window is used instead) rather than read past its end.
     *
     * @param signedInput the Modality LUT's output can be negative (Pixel Representation 1 or a negative
     *                    intercept): the first value mapped is then read as a signed 16-bit number (C.11.2.1.1)
     */
    public static Optional<VoiLut> of(AttributeList list, boolean signedInput) {
        if (!(list.get(TagFromName.VOILUTSequence) instanceof SequenceAttribute sequence)
                || sequence.getNumberOfItems() == 0) {
            return Optional.empty();
        }
        AttributeList item = sequence.getItem(0).getAttributeList();
        try {
            Attribute descriptor = item.get(TagFromName.LUTDescriptor);
            Attribute data = item.get(TagFromName.LUTData);
            if (descriptor == null || data == null || descriptor.getVM() != 3) {
                return Optional.empty();
            }
            int[] values = descriptor.getIntegerValues();
            int count = values[0] == 0 ? 65_536 : values[0] & 0xffff;
            boolean signed = signedInput || java.util.Arrays.equals(descriptor.getVR(), com.pixelmed.dicom.ValueRepresentation.SS);
            int first = signed ? (short) values[1] : values[1] & 0xffff;
            int bits = values[2];
            if (bits < 8 || bits > 16) {
                return Optional.empty();
            }
            short[] words = data.getShortValues();
            int[] entries = new int[count];
            int mask = (1 << bits) - 1;
            if (words.length >= count) {
                for (int i = 0; i < count; i++) {
                    entries[i] = words[i] & mask;
                }
            } else if (bits == 8 && words.length * 2 >= count) {
                // 8-bit entries packed two to a word (OW, little endian: the first entry in the low byte)
                for (int i = 0; i < count; i++) {
                    entries[i] = (words[i / 2] >> (i % 2 == 0 ? 0 : 8)) & 0xff;
                }
            } else {
                return Optional.empty();
            }
            return Optional.of(new VoiLut(first, bits, entries));
        } catch (com.pixelmed.dicom.DicomException | RuntimeException e) {
            return Optional.empty();
        }
    }

    @Override
    public float present(double modality, boolean inverse) {
        double index = Math.floor(modality) - firstMapped;
        int at = index <= 0 ? 0 : index >= entries.length - 1 ? entries.length - 1 : (int) index;
        double value = entries[at] / (double) ((1 << bits) - 1);
        return (float) (inverse ? 1 - value : value);
    }
}

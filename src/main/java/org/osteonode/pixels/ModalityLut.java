package org.osteonode.pixels;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.SequenceAttribute;
import com.pixelmed.dicom.TagFromName;

/**
 * The Modality LUT of PS3.3 C.11.1: stored values to modality values (for CR and DX, values proportional to
 * exposure or its logarithm), by Rescale Slope and Intercept or by a Modality LUT Sequence table.
 */
public sealed interface ModalityLut permits ModalityLut.Rescale, ModalityLut.Table {
    /** (0028,3000); PixelMed's TagFromName lacks it. */
    AttributeTag MODALITY_LUT_SEQUENCE = new AttributeTag(0x0028, 0x3000);

    float apply(int storedValue);

    default float[] apply(int[] storedValues) {
        float[] modality = new float[storedValues.length];
        for (int i = 0; i < storedValues.length; i++) {
            modality[i] = apply(storedValues[i]);
        }
        return modality;
    }

    /** Rescale Slope (0028,1053) and Rescale Intercept (0028,1052): slope × stored + intercept. */
    record Rescale(double slope, double intercept) implements ModalityLut {
        public static final Rescale IDENTITY = new Rescale(1, 0);

        public Rescale {
            if (!(slope != 0 && Double.isFinite(slope)) || !Double.isFinite(intercept)) {
                throw new IllegalArgumentException("Rescale Slope must be finite and not 0, Intercept finite");
            }
        }

        @Override
        public float apply(int storedValue) {
            return (float) (slope * storedValue + intercept);
        }
    }

    /**
     * LUT Descriptor (0028,3002) and LUT Data (0028,3006) of a Modality LUT Sequence item. Stored values below
     * the first one mapped take the first entry, values past the last entry take the last (C.11.1.1).
     */
    record Table(int firstStoredValueMapped, int[] entries) implements ModalityLut {
        public Table {
            if (entries.length == 0) {
                throw new IllegalArgumentException("a Modality LUT needs at least one entry");
            }
        }

        @Override
        public float apply(int storedValue) {
            int index = Math.max(0, Math.min(entries.length - 1, storedValue - firstStoredValueMapped));
            return entries[index];
        }
    }

    /**
     * The object's Modality LUT: the first Modality LUT Sequence item when there is one (the standard
     * forbids both), else Rescale Slope and Intercept, which default to 1 and 0 as DX requires them to be.
     */
    static ModalityLut of(AttributeList list, boolean signedStoredValues) throws PixelDataException {
        Attribute sequence = list.get(MODALITY_LUT_SEQUENCE);
        if (sequence instanceof SequenceAttribute items && items.getNumberOfItems() > 0) {
            return table(items.getItem(0).getAttributeList(), signedStoredValues);
        }
        double slope = Attribute.getSingleDoubleValueOrDefault(list, TagFromName.RescaleSlope, 1);
        double intercept = Attribute.getSingleDoubleValueOrDefault(list, TagFromName.RescaleIntercept, 0);
        if (slope == 0 || !Double.isFinite(slope) || !Double.isFinite(intercept)) {
            throw new PixelDataException("Rescale Slope " + slope + " / Intercept " + intercept
                    + " map every pixel to one value or to none");
        }
        return new Rescale(slope, intercept);
    }

    private static Table table(AttributeList item, boolean signedStoredValues) throws PixelDataException {
        int[] descriptor = Attribute.getIntegerValues(item, TagFromName.LUTDescriptor);
        Attribute data = item.get(TagFromName.LUTData);
        if (descriptor == null || descriptor.length != 3 || data == null) {
            throw new PixelDataException("Modality LUT Sequence item without a 3-valued LUT Descriptor and LUT Data");
        }
        // C.11.1.1: 0 entries means 65536; the first value mapped follows Pixel Representation (US or SS).
        int count = descriptor[0] == 0 ? 65536 : descriptor[0] & 0xffff;
        int first = signedStoredValues ? (short) descriptor[1] : descriptor[1] & 0xffff;
        int bits = descriptor[2];
        short[] words;
        try {
            words = data.getShortValues();
        } catch (DicomException e) {
            throw new PixelDataException("Modality LUT Data is not readable as 16-bit words", e);
        }
        int[] entries = new int[count];
        // With 8-bit entries, LUT Data in OW may hold two entries per word, the first in the low byte.
        boolean packed = bits == 8 && words.length * 2 >= count && words.length < count;
        for (int i = 0; i < count; i++) {
            if (packed) {
                entries[i] = (words[i / 2] >> (i % 2 == 0 ? 0 : 8)) & 0xff;
            } else if (i < words.length) {
                entries[i] = words[i] & 0xffff;
            } else {
                throw new PixelDataException("Modality LUT Data holds " + words.length + " entries, its descriptor "
                        + count);
            }
        }
        return new Table(first, entries);
    }
}

package org.osteonode.pixels;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.TagFromName;

import java.util.Optional;

/**
 * Stored values that are not image but padding (PS3.3 C.7.5.1.1.2): the Pixel Padding Value, or the range from it to
 * the Pixel Padding Range Limit inclusive — the collimator border of many CR and DX images. They count in no
 * percentile and present black.
 */
public record PixelPadding(int low, int high) {

    public PixelPadding {
        if (low > high) {
            throw new IllegalArgumentException("padding range " + low + ".." + high + " is empty");
        }
    }

    /**
     * The object's padding, in stored values (signed when Pixel Representation is 1: both attributes then take the
     * sign of the pixels, as C.7.5.1.1.2 requires).
     */
    public static Optional<PixelPadding> of(AttributeList list, boolean signed) {
        Attribute value = list.get(TagFromName.PixelPaddingValue);
        if (value == null || value.getVM() < 1) {
            return Optional.empty();
        }
        try {
            int padding = stored(value.getIntegerValues()[0], signed);
            Attribute limit = list.get(TagFromName.PixelPaddingRangeLimit);
            int other = limit == null || limit.getVM() < 1 ? padding : stored(limit.getIntegerValues()[0], signed);
            return Optional.of(new PixelPadding(Math.min(padding, other), Math.max(padding, other)));
        } catch (com.pixelmed.dicom.DicomException e) {
            return Optional.empty();
        }
    }

    public boolean contains(int storedValue) {
        return storedValue >= low && storedValue <= high;
    }

    private static int stored(int value, boolean signed) {
        return signed ? (short) value : value & 0xffff;
    }
}

package org.osteonode.ingest;

import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.DicomDictionary;
import com.pixelmed.dicom.ValueRepresentation;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;

/**
 * Walks a spooled Part 10 file's element structure without reading a value, before any parser allocates what the
 * file claims: every defined length must fit in what follows it, sequences may nest at most {@link #MAX_DEPTH}
 * deep, and a deflated data set may inflate to at most {@link #MAX_INFLATED_BYTES}, and to at most
 * {@link #MAX_INFLATION_RATIO} times its compressed size. PixelMed's parser would otherwise allocate a declared
 * 2 GiB value, recurse until the stack overflows, or inflate a bomb into the heap.
 */
final class DataSetLimits {
    static final int MAX_DEPTH = 64;
    static final long MAX_INFLATED_BYTES = 256L * 1024 * 1024;
    static final long MAX_INFLATION_RATIO = 100;
    private static final long UNDEFINED = 0xFFFFFFFFL;
    private static final int ITEM = 0xFFFEE000;
    private static final int ITEM_DELIMITER = 0xFFFEE00D;
    private static final int SEQUENCE_DELIMITER = 0xFFFEE0DD;
    private static final int PIXEL_DATA = 0x7FE00010;
    private static final String IMPLICIT_LITTLE_ENDIAN = "1.2.840.10008.1.2";
    private static final String EXPLICIT_BIG_ENDIAN = "1.2.840.10008.1.2.2";
    private static final String DEFLATED = "1.2.840.10008.1.2.1.99";
    /** Explicit VRs with a 2-byte reserved field and a 4-byte length (PS3.5 7.1.2). */
    private static final Set<String> LONG_VRS = Set.of("OB", "OD", "OF", "OL", "OV", "OW", "SQ", "SV", "UC", "UN",
            "UR", "UT", "UV");

    private final Counting in;
    private final long limit;
    private boolean explicit;
    private boolean bigEndian;

    private DataSetLimits(Counting in, long limit) {
        this.in = in;
        this.limit = limit;
    }

    /** @throws UnreadableObjectException naming the first limit the file breaks */
    static void check(Path file) throws UnreadableObjectException {
        long size;
        try {
            size = Files.size(file);
        } catch (IOException e) {
            throw new UnreadableObjectException("not readable (" + e.getClass().getSimpleName() + ")");
        }
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 64 * 1024)) {
            Counting counting = new Counting(raw);
            DataSetLimits limits = new DataSetLimits(counting, size);
            String transferSyntax = limits.metaInformation();
            if (transferSyntax.equals(DEFLATED)) {
                long compressed = size - counting.position;
                long inflatable = Math.min(MAX_INFLATED_BYTES, Math.max(1, compressed) * MAX_INFLATION_RATIO);
                Counting inflated = new Counting(new BufferedInputStream(
                        new InflaterInputStream(counting, new Inflater(true), 64 * 1024), 64 * 1024));
                limits = new DataSetLimits(inflated, inflatable);
            }
            limits.explicit = !transferSyntax.equals(IMPLICIT_LITTLE_ENDIAN);
            limits.bigEndian = transferSyntax.equals(EXPLICIT_BIG_ENDIAN);
            limits.elements(UNDEFINED, 0, true);
        } catch (EOFException e) {
            throw new UnreadableObjectException("not parseable as DICOM (it ends inside an element)");
        } catch (IOException e) {
            throw new UnreadableObjectException("not parseable as DICOM (" + e.getClass().getSimpleName() + ")");
        }
    }

    /** The preamble and File Meta Information (explicit VR little endian): the transfer syntax it names. */
    private String metaInformation() throws IOException, UnreadableObjectException {
        in.skipExactly(128);
        byte[] magic = in.readExactly(4);
        if (!new String(magic, StandardCharsets.US_ASCII).equals("DICM")) {
            throw new UnreadableObjectException("not parseable as DICOM (no DICM prefix)");
        }
        explicit = true;
        String transferSyntax = "";
        while (true) {
            int group = in.peekGroupLittleEndian();
            if (group != 0x0002) {
                return transferSyntax.trim();
            }
            int tag = readTag();
            long length = header(tag).length;
            requireFits(tag, length);
            if (tag == 0x00020010) {
                if (length > 64) {
                    throw new UnreadableObjectException("a Transfer Syntax UID of " + length + " bytes");
                }
                transferSyntax = new String(in.readExactly((int) length), StandardCharsets.US_ASCII).replace('\0', ' ');
            } else {
                in.skipExactly(length);
            }
        }
    }

    /**
     * Elements until {@code end} (a position), or until an item delimiter or the end of the stream when the
     * length is undefined.
     */
    private void elements(long end, int depth, boolean topLevel) throws IOException, UnreadableObjectException {
        while (end == UNDEFINED || in.position < end) {
            if (topLevel && in.atEnd()) {
                return;
            }
            if (in.position > limit) {
                throw new UnreadableObjectException("the data set inflates to more than " + limit + " bytes");
            }
            int tag = readTag();
            if (tag == ITEM_DELIMITER) {
                if (topLevel) {
                    // it would end the walk early and leave the rest of the file unchecked
                    throw new UnreadableObjectException("an item delimiter outside any item");
                }
                in.skipExactly(4);
                return;
            }
            Header header = header(tag);
            if (header.length == UNDEFINED) {
                if (tag == PIXEL_DATA) {
                    fragments(depth);
                } else if (header.sequence || header.vr == null || "UN".equals(header.vr)) {
                    // implicit VR: an undefined length is a sequence's, whether the dictionary knows the tag or not
                    sequence(UNDEFINED, depth + 1, "UN".equals(header.vr));
                } else {
                    throw new UnreadableObjectException(describe(tag) + " has an undefined length but is no sequence");
                }
            } else {
                requireFits(tag, header.length);
                if (header.sequence) {
                    sequence(in.position + header.length, depth + 1, false);
                } else {
                    in.skipExactly(header.length);
                }
            }
        }
    }

    /** A sequence's items; a UN sequence of undefined length is implicit VR little endian inside (PS3.5 6.2.2). */
    private void sequence(long end, int depth, boolean implicitInside) throws IOException, UnreadableObjectException {
        if (depth > MAX_DEPTH) {
            throw new UnreadableObjectException("sequences nested deeper than " + MAX_DEPTH);
        }
        boolean wasExplicit = explicit;
        boolean wasBigEndian = bigEndian;
        if (implicitInside) {
            explicit = false;
            bigEndian = false;
        }
        while (end == UNDEFINED || in.position < end) {
            int tag = readTag();
            long length = readLength32();
            if (tag == SEQUENCE_DELIMITER) {
                break;
            }
            if (tag != ITEM) {
                throw new UnreadableObjectException("a sequence holds " + describe(tag) + " where an item belongs");
            }
            if (length == UNDEFINED) {
                elements(UNDEFINED, depth, false);
            } else {
                requireFits(tag, length);
                elements(in.position + length, depth, false);
            }
        }
        explicit = wasExplicit;
        bigEndian = wasBigEndian;
    }

    /** Encapsulated Pixel Data: items of defined length up to the sequence delimiter (PS3.5 A.4). */
    private void fragments(int depth) throws IOException, UnreadableObjectException {
        while (true) {
            int tag = readTag();
            long length = readLength32();
            if (tag == SEQUENCE_DELIMITER) {
                return;
            }
            if (tag != ITEM || length == UNDEFINED) {
                throw new UnreadableObjectException("encapsulated Pixel Data holds " + describe(tag)
                        + " where a fragment belongs");
            }
            requireFits(tag, length);
            in.skipExactly(length);
        }
    }

    private record Header(String vr, long length, boolean sequence) {
    }

    private Header header(int tag) throws IOException {
        if (tag == ITEM || tag == ITEM_DELIMITER || tag == SEQUENCE_DELIMITER) {
            return new Header(null, readLength32(), false);
        }
        if (!explicit) {
            byte[] vr = DicomDictionary.StandardDictionary.getValueRepresentationFromTag(
                    new AttributeTag(tag >>> 16, tag & 0xffff));
            return new Header(null, readLength32(), vr != null && ValueRepresentation.isSequenceVR(vr));
        }
        String vr = new String(in.readExactly(2), StandardCharsets.US_ASCII);
        long length;
        if (LONG_VRS.contains(vr)) {
            in.skipExactly(2);
            length = readLength32();
        } else {
            length = readLength16();
        }
        return new Header(vr, length, vr.equals("SQ"));
    }

    private void requireFits(int tag, long length) throws UnreadableObjectException {
        if (length > limit - in.position) {
            throw new UnreadableObjectException(describe(tag) + " claims " + length + " bytes where "
                    + Math.max(0, limit - in.position) + " remain");
        }
    }

    private int readTag() throws IOException {
        int group = readUnsigned16();
        int element = readUnsigned16();
        return group << 16 | element;
    }

    private int readUnsigned16() throws IOException {
        byte[] b = in.readExactly(2);
        return bigEndian ? (b[0] & 0xff) << 8 | b[1] & 0xff : (b[1] & 0xff) << 8 | b[0] & 0xff;
    }

    private long readLength16() throws IOException {
        return readUnsigned16();
    }

    private long readLength32() throws IOException {
        byte[] b = in.readExactly(4);
        return bigEndian
                ? (b[0] & 0xffL) << 24 | (b[1] & 0xffL) << 16 | (b[2] & 0xffL) << 8 | b[3] & 0xffL
                : (b[3] & 0xffL) << 24 | (b[2] & 0xffL) << 16 | (b[1] & 0xffL) << 8 | b[0] & 0xffL;
    }

    private static String describe(int tag) {
        return String.format("element (%04X,%04X)", tag >>> 16, tag & 0xffff);
    }

    /** The bytes read so far, and reads that fail at the end instead of returning less. */
    private static final class Counting extends FilterInputStream {
        long position;

        Counting(InputStream in) {
            super(in);
        }

        byte[] readExactly(int count) throws IOException {
            byte[] bytes = in.readNBytes(count);
            if (bytes.length < count) {
                throw new EOFException();
            }
            position += count;
            return bytes;
        }

        void skipExactly(long count) throws IOException {
            in.skipNBytes(count);
            position += count;
        }

        boolean atEnd() throws IOException {
            in.mark(1);
            int next = in.read();
            in.reset();
            return next < 0;
        }

        /** The next two bytes as a little endian group number, not consumed. */
        int peekGroupLittleEndian() throws IOException {
            in.mark(2);
            int low = in.read();
            int high = in.read();
            in.reset();
            return low < 0 || high < 0 ? -1 : high << 8 | low;
        }
    }
}

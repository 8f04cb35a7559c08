package org.osteonode.dicom;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.DicomInputStream;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.TransferSyntax;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The header of a Part 10 file (File Meta Information and the data set up to Pixel Data) read from disk once,
 * when the object arrives, and kept as its encoded bytes with where its Pixel Data starts. Each consumer parses
 * its own {@link #attributes()} from memory: de-identification edits its copy, and a few kilobytes per queued
 * object cost far less memory than parsed attribute lists would. A header larger than {@link #KEPT_BYTES} is
 * not kept; {@link #attributes()} then reads it from the file again. Holds identifiers (PHI): never log it.
 */
public final class EncodedHeader {
    /** Larger headers (big private blocks) are read again from the file rather than held in memory. */
    public static final int KEPT_BYTES = 32 * 1024;
    private static final int BUFFER = 64 * 1024;

    private final Path file;
    private final byte[] encoded;
    private final long pixelDataOffset;
    private final boolean pixelDataFollows;
    private final String sopInstanceUid;

    private EncodedHeader(Path file, byte[] encoded, long pixelDataOffset, boolean pixelDataFollows,
            String sopInstanceUid) {
        this.file = file;
        this.encoded = encoded;
        this.pixelDataOffset = pixelDataOffset;
        this.pixelDataFollows = pixelDataFollows;
        this.sopInstanceUid = sopInstanceUid;
    }

    /**
     * Parses the header from the file and keeps its bytes.
     *
     * @throws DicomException not parseable as DICOM
     */
    public static EncodedHeader read(Path file) throws IOException, DicomException {
        return readParsed(file).header();
    }

    /** The header and the attributes of the same parse, for a caller that uses both at once. */
    public record Parsed(EncodedHeader header, AttributeList attributes) {
    }

    /** {@link #read} that also hands over what it parsed, so that the caller need not parse it again. */
    public static Parsed readParsed(Path file) throws IOException, DicomException {
        AttributeList list = new AttributeList();
        long stoppedAt = parse(Files.newInputStream(file), list);
        boolean pixelDataFollows = stoppedAt < Files.size(file);
        String transferSyntax = Attribute.getSingleStringValueOrEmptyString(list, TagFromName.TransferSyntaxUID);
        String sopInstanceUid = Attribute.getSingleStringValueOrEmptyString(list, TagFromName.SOPInstanceUID).trim();
        if (transferSyntax.isBlank() || new TransferSyntax(transferSyntax.trim()).isDeflated()) {
            // a deflated data set has no byte offset in the file for Pixel Data or the header's end
            return new Parsed(new EncodedHeader(file, null, -1, pixelDataFollows, sopInstanceUid), list);
        }
        // the parser stops after the tag of Pixel Data: the element starts 4 bytes earlier
        long end = pixelDataFollows ? stoppedAt - 4 : stoppedAt;
        byte[] encoded = end <= KEPT_BYTES ? prefix(file, (int) end) : null;
        return new Parsed(new EncodedHeader(file, encoded, pixelDataFollows ? end : -1, pixelDataFollows, sopInstanceUid),
                list);
    }

    /** A new list of the header's attributes, the File Meta Information included; the caller may change it. */
    public AttributeList attributes() throws IOException, DicomException {
        AttributeList list = new AttributeList();
        parse(encoded != null ? new ByteArrayInputStream(encoded) : Files.newInputStream(file), list);
        return list;
    }

    /** SOP Instance UID, read with the header; empty when the object has none. */
    public String sopInstanceUid() {
        return sopInstanceUid;
    }

    public Path file() {
        return file;
    }

    /** Where the Pixel Data element's tag starts in the file; -1 when there is none or it has no file offset. */
    public long pixelDataOffset() {
        return pixelDataOffset;
    }

    /** The parser stopped at Pixel Data before the end of the file: the object has pixels. */
    public boolean pixelDataFollows() {
        return pixelDataFollows;
    }

    /** Kept in memory, or too large and read again from the file. */
    public boolean kept() {
        return encoded != null;
    }

    private static long parse(InputStream stream, AttributeList into) throws IOException, DicomException {
        try (InputStream in = new BufferedInputStream(stream, BUFFER);
             DicomInputStream dicom = new DicomInputStream(in)) {
            return into.read(dicom, TagFromName.PixelData);
        }
    }

    private static byte[] prefix(Path file, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            while (buffer.hasRemaining() && channel.read(buffer, buffer.position()) >= 0) {
                // read on until the buffer is full
            }
        }
        return buffer.array();
    }

    /** Names no identifier: safe in logs. */
    @Override
    public String toString() {
        return "EncodedHeader[" + (encoded != null ? encoded.length + " bytes kept" : "not kept")
                + ", pixelDataOffset=" + pixelDataOffset + "]";
    }
}

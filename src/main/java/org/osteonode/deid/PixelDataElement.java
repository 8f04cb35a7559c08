package org.osteonode.deid;

import com.pixelmed.dicom.TransferSyntax;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Where the Pixel Data element (7FE0,0010) of a Part 10 file lies, tag to last byte, so that it can be
 * copied to the de-identified file as it is: pixels are never decoded, re-encoded or even held in memory.
 * Native pixel data has a defined length; encapsulated pixel data is a run of items up to its sequence
 * delimiter (PS3.5 A.4).
 */
public record PixelDataElement(Path file, long offset, long length) {
    private static final int ITEM = 0xE000FFFE;          // (FFFE,E000) read as a little endian int
    private static final int SEQUENCE_DELIMITER = 0xE0DDFFFE;
    private static final long UNDEFINED_LENGTH = 0xFFFFFFFFL;

    /**
     * @param offset where the parser stopped, at the first byte of the Pixel Data tag
     * @return the element, or null when the bytes there are not a Pixel Data element this class can delimit
     */
    public static PixelDataElement locate(Path file, long offset, String transferSyntaxUid) throws IOException {
        TransferSyntax syntax = new TransferSyntax(transferSyntaxUid);
        ByteOrder order = syntax.isBigEndian() ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            ByteBuffer header = read(channel, offset, 12, order);
            if (header == null || header.getShort(0) != (short) 0x7FE0 || header.getShort(2) != (short) 0x0010) {
                return null;
            }
            long valueStart;
            long valueLength;
            if (syntax.isExplicitVR()) {
                valueStart = offset + 12;
                valueLength = Integer.toUnsignedLong(header.getInt(8));
            } else {
                valueStart = offset + 8;
                valueLength = Integer.toUnsignedLong(header.getInt(4));
            }
            long end = valueLength == UNDEFINED_LENGTH ? endOfItems(channel, valueStart, size) : valueStart + valueLength;
            return end < 0 || end > size ? null : new PixelDataElement(file, offset, end - offset);
        }
    }

    /** Encapsulated fragments: item after item (always little endian) until the sequence delimitation item. */
    private static long endOfItems(FileChannel channel, long position, long size) throws IOException {
        while (position + 8 <= size) {
            ByteBuffer item = read(channel, position, 8, ByteOrder.LITTLE_ENDIAN);
            int tag = item.getInt(0);
            long length = Integer.toUnsignedLong(item.getInt(4));
            if (tag == SEQUENCE_DELIMITER) {
                return position + 8;
            }
            if (tag != ITEM || length == UNDEFINED_LENGTH) {
                return -1;
            }
            position += 8 + length;
        }
        return -1;
    }

    private static ByteBuffer read(FileChannel channel, long position, int count, ByteOrder order) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(count).order(order);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, position + buffer.position()) < 0) {
                return null;
            }
        }
        return buffer.flip();
    }
}

package org.osteonode.pixels;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Native (uncompressed) little endian Pixel Data read straight from the file: the element header at a known
 * offset, then the first frame's bytes, nothing else. PS3.5 7.1: explicit VR has tag, VR, two reserved bytes and
 * a 4-byte length for OB and OW; implicit VR has tag and length.
 */
final class NativePixelData {
    private NativePixelData() {
    }

    static ByteBuffer firstFrame(Path file, long offset, boolean explicitVr, int frameBytes)
            throws IOException, PixelDataException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer element = read(channel, offset, explicitVr ? 12 : 8);
            if (element.getShort(0) != (short) 0x7FE0 || element.getShort(2) != (short) 0x0010) {
                throw new PixelDataException("no Pixel Data element where the header ended");
            }
            long length = Integer.toUnsignedLong(element.getInt(explicitVr ? 8 : 4));
            long valueStart = offset + element.capacity();
            if (length == 0xFFFFFFFFL) {
                throw new PixelDataException("native Pixel Data of undefined length");
            }
            if (length < frameBytes || valueStart + frameBytes > channel.size()) {
                throw new PixelDataException("Pixel Data holds fewer samples than Rows × Columns");
            }
            // mapped, not copied: the page cache's pages are the buffer
            return channel.map(FileChannel.MapMode.READ_ONLY, valueStart, frameBytes).order(ByteOrder.LITTLE_ENDIAN);
        }
    }

    private static ByteBuffer read(FileChannel channel, long position, int count)
            throws IOException, PixelDataException {
        ByteBuffer buffer = ByteBuffer.allocate(count).order(ByteOrder.LITTLE_ENDIAN);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, position + buffer.position()) < 0) {
                throw new PixelDataException("Pixel Data holds fewer samples than Rows × Columns");
            }
        }
        return buffer.flip();
    }
}

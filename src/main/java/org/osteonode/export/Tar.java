package org.osteonode.export;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The POSIX ustar format (IEEE 1003.1), as much of it as training-set shards need: regular files with a name of at
 * most 100 bytes, mode 0644, owner 0, time 0 — so that the same content always gives the same bytes — and GNU tar,
 * Python's tarfile and WebDataset read them.
 */
final class Tar {
    private static final int BLOCK = 512;

    private Tar() {
    }

    /** Appends one regular file to {@code out}. */
    static void add(OutputStream out, String name, byte[] content) throws IOException {
        byte[] nameBytes = name.getBytes(StandardCharsets.US_ASCII);
        if (nameBytes.length > 100) {
            throw new IllegalArgumentException("tar member name longer than 100 bytes: " + name);
        }
        byte[] header = new byte[BLOCK];
        System.arraycopy(nameBytes, 0, header, 0, nameBytes.length);
        octal(header, 100, 8, 0644);
        octal(header, 108, 8, 0);
        octal(header, 116, 8, 0);
        octal(header, 124, 12, content.length);
        octal(header, 136, 12, 0);
        Arrays.fill(header, 148, 156, (byte) ' ');
        header[156] = '0';
        System.arraycopy("ustar\u000000".getBytes(StandardCharsets.US_ASCII), 0, header, 257, 8);
        int checksum = 0;
        for (byte b : header) {
            checksum += b & 0xFF;
        }
        octal(header, 148, 7, checksum);
        out.write(header);
        out.write(content);
        int padding = (BLOCK - content.length % BLOCK) % BLOCK;
        out.write(new byte[padding]);
    }

    /** The end of an archive: two zero blocks. */
    static void finish(OutputStream out) throws IOException {
        out.write(new byte[2 * BLOCK]);
    }

    /** The names of a tar file's members, read from their headers. */
    static List<String> names(Path tar) throws IOException {
        List<String> names = new ArrayList<>();
        try (InputStream in = Files.newInputStream(tar)) {
            byte[] header = new byte[BLOCK];
            while (in.readNBytes(header, 0, BLOCK) == BLOCK && !isZero(header)) {
                int end = 0;
                while (end < 100 && header[end] != 0) {
                    end++;
                }
                names.add(new String(header, 0, end, StandardCharsets.US_ASCII));
                long size = Long.parseLong(new String(header, 124, 11, StandardCharsets.US_ASCII).trim(), 8);
                in.skipNBytes((size + BLOCK - 1) / BLOCK * BLOCK);
            }
        }
        return names;
    }

    /** {@code value} in octal, zero-padded, NUL-terminated, in {@code length} bytes at {@code offset}. */
    private static void octal(byte[] header, int offset, int length, long value) {
        String digits = String.format("%0" + (length - 1) + "o", value);
        System.arraycopy(digits.getBytes(StandardCharsets.US_ASCII), 0, header, offset, length - 1);
        header[offset + length - 1] = 0;
    }

    private static boolean isZero(byte[] block) {
        for (byte b : block) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }
}

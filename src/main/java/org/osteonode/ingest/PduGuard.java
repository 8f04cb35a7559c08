package org.osteonode.ingest;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * The connection's input as PDUs (PS3.8 9.3): each PDU's type and length are checked before its header is handed
 * on, so that the reader (PixelMed, which allocates a PDU's whole length as soon as it has the header) never
 * allocates on a peer's say-so. A P-DATA-TF PDU may be as long as the node said it takes (Maximum Length
 * Received); any other PDU at most {@link #MAX_OTHER_PDU} bytes, enough for an A-ASSOCIATE-RQ with hundreds of
 * presentation contexts. A longer claim calls {@code onExceeded} (the receiver answers A-ABORT) and throws
 * {@link Exceeded}, before anything is allocated.
 */
public final class PduGuard extends FilterInputStream {
    /** Largest A-ASSOCIATE-RQ (or any PDU but P-DATA-TF) taken: 64 KiB. */
    public static final int MAX_OTHER_PDU = 64 * 1024;
    private static final int P_DATA_TF = 0x04;
    private static final int HEADER = 6;

    /** A PDU claimed more bytes than the node takes; the association must be aborted. */
    public static final class Exceeded extends IOException {
        Exceeded(String message) {
            super(message);
        }
    }

    private final long maxPDataLength;
    private final Runnable onExceeded;
    private final byte[] header = new byte[HEADER];
    private final byte[] one = new byte[1];
    private int headerServed = HEADER;
    private long bodyLeft;

    /**
     * @param maxPDataLength the Maximum Length Received the node offered: the largest P-DATA-TF variable field
     * @param onExceeded     run before {@link Exceeded} is thrown
     */
    public PduGuard(InputStream in, long maxPDataLength, Runnable onExceeded) {
        super(in);
        this.maxPDataLength = maxPDataLength;
        this.onExceeded = onExceeded;
    }

    @Override
    public int read() throws IOException {
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        if (headerServed < HEADER) {
            int count = Math.min(length, HEADER - headerServed);
            System.arraycopy(header, headerServed, buffer, offset, count);
            headerServed += count;
            return count;
        }
        if (bodyLeft == 0) {
            if (!readHeader()) {
                return -1;
            }
            return read(buffer, offset, length);
        }
        int count = in.read(buffer, offset, (int) Math.min(length, bodyLeft));
        if (count > 0) {
            bodyLeft -= count;
        }
        return count;
    }

    /** Reads and checks the next PDU's header; false at the end of the stream between PDUs. */
    private boolean readHeader() throws IOException {
        int headerFilled = 0;
        while (headerFilled < HEADER) {
            int count = in.read(header, headerFilled, HEADER - headerFilled);
            if (count < 0) {
                if (headerFilled == 0) {
                    return false;
                }
                throw new IOException("the connection closed inside a PDU header");
            }
            headerFilled += count;
        }
        int type = header[0] & 0xff;
        long length = (header[2] & 0xffL) << 24 | (header[3] & 0xffL) << 16 | (header[4] & 0xffL) << 8
                | header[5] & 0xffL;
        long limit = type == P_DATA_TF ? maxPDataLength : MAX_OTHER_PDU;
        if (length > limit) {
            onExceeded.run();
            throw new Exceeded("PDU type 0x" + Integer.toHexString(type) + " claims " + length
                    + " bytes; at most " + limit + " are taken");
        }
        headerServed = 0;
        bodyLeft = length;
        return true;
    }

    @Override
    public long skip(long count) throws IOException {
        byte[] discard = new byte[8192];
        long skipped = 0;
        while (skipped < count) {
            int read = read(discard, 0, (int) Math.min(discard.length, count - skipped));
            if (read < 0) {
                break;
            }
            skipped += read;
        }
        return skipped;
    }

    @Override
    public int available() throws IOException {
        return headerServed < HEADER ? HEADER - headerServed : (int) Math.min(in.available(), bodyLeft);
    }

    @Override
    public boolean markSupported() {
        return false;
    }
}

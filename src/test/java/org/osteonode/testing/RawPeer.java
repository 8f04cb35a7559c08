package org.osteonode.testing;

import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.DicomInputStream;
import com.pixelmed.dicom.DicomOutputStream;
import com.pixelmed.dicom.TransferSyntax;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A DICOM peer that sends whatever bytes a test gives it (dcmtk refuses to send broken PDUs) and reads what
 * comes back PDU by PDU. Builders for the well-formed PDUs (PS3.8 9.3) make the broken ones easy to write.
 */
public final class RawPeer implements AutoCloseable {
    public static final int A_ASSOCIATE_RQ = 0x01;
    public static final int A_ASSOCIATE_AC = 0x02;
    public static final int A_ASSOCIATE_RJ = 0x03;
    public static final int P_DATA_TF = 0x04;
    public static final int A_RELEASE_RQ = 0x05;
    public static final int A_RELEASE_RP = 0x06;
    public static final int A_ABORT = 0x07;
    /** What {@link #nextPdu()} returns when the node closed the connection without a PDU. */
    public static final int CLOSED = -1;
    public static final String VERIFICATION = "1.2.840.10008.1.1";
    public static final String IMPLICIT_LITTLE_ENDIAN = "1.2.840.10008.1.2";

    private final Socket socket;
    private byte[] lastBody = new byte[0];

    private RawPeer(Socket socket) {
        this.socket = socket;
    }

    public static RawPeer connect(int port) throws IOException {
        Socket socket = new Socket("localhost", port);
        socket.setSoTimeout(20_000);
        return new RawPeer(socket);
    }

    /** Sends bytes; a node that closed the connection meanwhile is not an error here. */
    public RawPeer send(byte[] bytes) throws IOException {
        try {
            OutputStream out = socket.getOutputStream();
            out.write(bytes);
            out.flush();
        } catch (SocketException e) {
            // the node closed first: what it sent before closing is still there to read
        }
        return this;
    }

    /** The type of the next PDU from the node, or {@link #CLOSED}; its body is then {@link #lastBody()}. */
    public int nextPdu() throws IOException {
        DataInputStream in = new DataInputStream(socket.getInputStream());
        try {
            int type = in.readUnsignedByte();
            in.readUnsignedByte();
            int length = in.readInt();
            if (length < 0 || length > 1 << 20) {
                throw new IOException("the node sent a PDU claiming " + length + " bytes");
            }
            lastBody = new byte[length];
            in.readFully(lastBody);
            return type;
        } catch (EOFException | SocketException e) {
            return CLOSED;
        } catch (SocketTimeoutException e) {
            throw new IOException("the node neither answered nor closed within 20 s", e);
        }
    }

    public byte[] lastBody() {
        return lastBody;
    }

    /** The command set of the last P-DATA-TF, which holds one PDV (a C-ECHO or C-STORE response). */
    public AttributeList lastCommand() throws IOException, DicomException {
        AttributeList list = new AttributeList();
        list.read(new DicomInputStream(new ByteArrayInputStream(lastBody, 6, lastBody.length - 6),
                TransferSyntax.ImplicitVRLittleEndian, false));
        return list;
    }

    /** A data set or command set as a peer sends it: implicit VR little endian, no File Meta Information. */
    public static byte[] implicitLittleEndian(AttributeList list) throws IOException, DicomException {
        list.removeMetaInformationHeaderAttributes();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DicomOutputStream out = new DicomOutputStream(bytes, null, TransferSyntax.ImplicitVRLittleEndian);
        list.write(out);
        out.close();
        return bytes.toByteArray();
    }

    /** A-ASSOCIATE-RQ, then the node's answer: the PDU type (A-ASSOCIATE-AC, -RJ, A-ABORT) or CLOSED. */
    public int associate(String calling, String called, int maxPdu, PresentationContext... contexts)
            throws IOException {
        send(associateRq(calling, called, maxPdu, contexts));
        return nextPdu();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    /** A presentation context to propose: its odd ID, abstract syntax and transfer syntaxes. */
    public record PresentationContext(int id, String abstractSyntax, String... transferSyntaxes) {
    }

    public static byte[] associateRq(String calling, String called, int maxPdu, PresentationContext... contexts) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(new byte[] {0, 1, 0, 0}); // protocol version 1, reserved
        body.writeBytes(aeTitle(called));
        body.writeBytes(aeTitle(calling));
        body.writeBytes(new byte[32]);
        body.writeBytes(item(0x10, ascii("1.2.840.10008.3.1.1.1")));
        for (PresentationContext context : contexts) {
            ByteArrayOutputStream value = new ByteArrayOutputStream();
            value.writeBytes(new byte[] {(byte) context.id(), 0, 0, 0});
            value.writeBytes(item(0x30, ascii(context.abstractSyntax())));
            for (String transferSyntax : context.transferSyntaxes()) {
                value.writeBytes(item(0x40, ascii(transferSyntax)));
            }
            body.writeBytes(item(0x20, value.toByteArray()));
        }
        ByteArrayOutputStream user = new ByteArrayOutputStream();
        user.writeBytes(item(0x51, int32(maxPdu)));
        user.writeBytes(item(0x52, ascii("1.2.826.0.1.3680043.10.1.99")));
        body.writeBytes(item(0x50, user.toByteArray()));
        return pdu(A_ASSOCIATE_RQ, body.toByteArray());
    }

    /** One P-DATA-TF PDU holding one PDV. */
    public static byte[] pData(int contextId, boolean command, boolean last, byte[] value) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(int32(value.length + 2));
        body.write(contextId);
        body.write((command ? 1 : 0) | (last ? 2 : 0));
        body.writeBytes(value);
        return pdu(P_DATA_TF, body.toByteArray());
    }

    public static byte[] releaseRq() {
        return pdu(A_RELEASE_RQ, new byte[4]);
    }

    public static byte[] pdu(int type, byte[] body) {
        ByteArrayOutputStream pdu = new ByteArrayOutputStream();
        pdu.writeBytes(header(type, body.length));
        pdu.writeBytes(body);
        return pdu.toByteArray();
    }

    /** A PDU header claiming {@code length} bytes, whatever follows. */
    public static byte[] header(int type, long length) {
        return new byte[] {(byte) type, 0, (byte) (length >>> 24), (byte) (length >>> 16), (byte) (length >>> 8),
                (byte) length};
    }

    private static byte[] item(int type, byte[] value) {
        ByteArrayOutputStream item = new ByteArrayOutputStream();
        item.write(type);
        item.write(0);
        item.write(value.length >>> 8);
        item.write(value.length);
        item.writeBytes(value);
        return item.toByteArray();
    }

    private static byte[] aeTitle(String title) {
        byte[] padded = new byte[16];
        Arrays.fill(padded, (byte) ' ');
        byte[] text = title.getBytes(StandardCharsets.ISO_8859_1);
        System.arraycopy(text, 0, padded, 0, Math.min(16, text.length));
        return padded;
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] int32(long value) {
        return new byte[] {(byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value};
    }
}

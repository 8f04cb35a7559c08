package com.pixelmed.network;

import com.pixelmed.utils.ByteArray;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.util.LinkedList;
import java.util.function.UnaryOperator;

/**
 * PixelMed's association initiator over a connection osteonode opened itself, so that the connection can be
 * TLS as osteonode configures it. PixelMed's own initiator opens its sockets itself, and its TLS option enables
 * only TLS 1.0 with RSA key exchange, which Java 17 refuses; PixelMed keeps the PDU classes package-private,
 * hence this class in its package. It follows {@code AssociationInitiator} step for step (PS3.8 AE-1 to AE-3)
 * and adds a limit on the PDU the peer answers with, checked before it is allocated.
 */
public final class SocketAssociationInitiator extends Association {
    /** An A-ASSOCIATE-AC, -RJ or A-ABORT longer than this is not taken (the same limit as the receiver's). */
    private static final int MAX_ANSWER_PDU = 64 * 1024;
    private static final int ASSOCIATE_AC = 0x02;
    private static final int ASSOCIATE_RJ = 0x03;
    private static final int ABORT = 0x07;

    private SocketAssociationInitiator(Socket socket, UnaryOperator<InputStream> guard, String calledAeTitle,
            String callingAeTitle, String implementationClassUid, String implementationVersionName,
            int maximumLengthReceived, LinkedList<PresentationContext> proposed) throws DicomNetworkException,
            IOException {
        this.socket = socket;
        this.calledAETitle = calledAeTitle;
        this.callingAETitle = callingAeTitle;
        this.presentationContexts = proposed;
        this.in = guard.apply(socket.getInputStream());
        this.out = socket.getOutputStream();
        AssociateRequestPDU request = new AssociateRequestPDU(calledAeTitle, callingAeTitle, implementationClassUid,
                implementationVersionName, maximumLengthReceived, proposed, null);
        out.write(request.getBytes());
        out.flush();
        byte[] header = new byte[6];
        readInsistently(in, header, 0, 6, "type and length of PDU");
        int type = header[0] & 0xff;
        long length = ByteArray.bigEndianToUnsignedInt(header, 2, 4) & 0xffffffffL;
        if (length > MAX_ANSWER_PDU) {
            socket.close();
            throw new DicomNetworkException("A-P-ABORT indication - the peer answered with a PDU of " + length
                    + " bytes (at most " + MAX_ANSWER_PDU + " taken)");
        }
        byte[] pdu = getRestOfPDU(in, header, (int) length);
        switch (type) {
            case ASSOCIATE_AC -> {
                AssociateAcceptPDU accept = new AssociateAcceptPDU(pdu);
                this.presentationContexts = accept.getAcceptedPresentationContextsWithAbstractSyntaxIncludedFromRequest(
                        proposed);
                this.maximumLengthReceived = accept.getMaximumLengthReceived(); // the PDU size we send them
            }
            case ASSOCIATE_RJ -> {
                socket.close();
                throw new DicomNetworkException("A-ASSOCIATE-RJ indication - " + new AssociateRejectPDU(pdu).getInfo());
            }
            case ABORT -> {
                socket.close();
                throw new DicomNetworkException("A-ABORT indication - " + new AAbortPDU(pdu).getInfo());
            }
            default -> {
                try {
                    out.write(new AAbortPDU(2, 2).getBytes()); // service provider, unexpected PDU
                    out.flush();
                } catch (IOException peerGone) {
                    // the A-ABORT is a courtesy; the association is over either way
                }
                socket.close();
                throw new DicomNetworkException("A-P-ABORT indication - unexpected PDU type 0x"
                        + Integer.toHexString(type));
            }
        }
    }

    /**
     * Opens an association over {@code socket} (connected, and TLS already negotiated if it is TLS), proposing
     * {@code proposed}; the answer's PDUs are read through {@code guard}, which bounds what the peer may claim.
     * The socket is closed when the peer refuses.
     */
    public static Association open(Socket socket, UnaryOperator<InputStream> guard, String calledAeTitle,
            String callingAeTitle, String implementationClassUid, String implementationVersionName,
            int maximumLengthReceived, LinkedList<PresentationContext> proposed) throws DicomNetworkException,
            IOException {
        return new SocketAssociationInitiator(socket, guard, calledAeTitle, callingAeTitle, implementationClassUid,
                implementationVersionName, maximumLengthReceived, proposed);
    }

    @Override
    public String getCallingAEHostName() {
        return getLocalHostName();
    }

    @Override
    public String getCalledAEHostName() {
        return getRemoteHostName();
    }

    @Override
    public int getCallingAEPort() {
        return getLocalPort();
    }

    @Override
    public int getCalledAEPort() {
        return getRemotePort();
    }
}

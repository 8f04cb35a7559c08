package com.pixelmed.network;

import com.pixelmed.utils.ByteArray;
import com.pixelmed.utils.StringUtilities;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.util.LinkedList;
import java.util.function.UnaryOperator;

/**
 * PixelMed's association acceptor plus the one decision it lacks: whether the calling AE title (and our
 * capacity) allow the association, answered with A-ASSOCIATE-RJ before any A-ASSOCIATE-AC is sent.
 *
 * <p>This class lives in PixelMed's package because PixelMed keeps its PDU classes and the
 * {@link ReceivedDataHandler} constructor package-private. It is the only osteonode class here; it follows
 * {@code AssociationAcceptor} step for step (PS3.8 state machine AE-5 to AE-8) and adds the gate.
 */
public final class PolicyAssociationAcceptor extends Association {

    /** The A-ASSOCIATE-RJ result, source and reason of each refusal we give (PS3.8 Table 9-21). */
    public enum Refusal {
        CALLED_AE_TITLE_NOT_RECOGNIZED(1, 1, 7),
        CALLING_AE_TITLE_NOT_RECOGNIZED(1, 1, 3),
        LOCAL_LIMIT_EXCEEDED(2, 3, 2),
        /** None of the requested presentation contexts (or none at all) could be accepted: no reason given. */
        NO_PRESENTATION_CONTEXT(1, 1, 1);

        private final int result;
        private final int source;
        private final int reason;

        Refusal(int result, int source, int reason) {
            this.result = result;
            this.source = source;
            this.reason = reason;
        }
    }

    /** Decides on an A-ASSOCIATE-RQ once its AE titles are known; null accepts. */
    public interface Gate {
        Refusal check(String callingAeTitle);
    }

    /** Thrown after A-ASSOCIATE-RJ has been sent and the connection closed. */
    public static final class RefusedException extends DicomNetworkException {
        private final Refusal refusal;
        private final String callingAeTitle;
        private final String calledAeTitle;

        RefusedException(Refusal refusal, String callingAeTitle, String calledAeTitle) {
            super("association refused: " + refusal);
            this.refusal = refusal;
            this.callingAeTitle = callingAeTitle;
            this.calledAeTitle = calledAeTitle;
        }

        public Refusal refusal() {
            return refusal;
        }

        public String callingAeTitle() {
            return callingAeTitle;
        }

        public String calledAeTitle() {
            return calledAeTitle;
        }
    }

    /** A {@link ReceivedDataHandler} that code outside PixelMed's package can extend. */
    public abstract static class DataHandler extends ReceivedDataHandler {
        protected DataHandler() {
            super();
        }
    }

    /**
     * After sending A-RELEASE-RP, PixelMed waits a fixed 5 s (its ARTIM) before closing, even when the peer
     * has already closed, which holds an association slot and a thread 5 s past every release. dcmtk and
     * other requestors close as soon as they read A-RELEASE-RP, so a short wait keeps the intent (let the
     * requestor close first) without the cost. PixelMed offers no setter; the field is set once, here.
     */
    static final int RELEASE_TO_CLOSE_WAIT_MILLIS = 100;

    static {
        try {
            java.lang.reflect.Field wait = Association.class
                    .getDeclaredField("associationReleaseToTransportConnectionCloseTimeoutInMilliseconds");
            wait.setAccessible(true);
            wait.setInt(null, RELEASE_TO_CLOSE_WAIT_MILLIS);
        } catch (ReflectiveOperationException | RuntimeException e) {
            // Another PixelMed release: keep its own wait; associations then hold their slot a little longer.
            org.slf4j.LoggerFactory.getLogger(PolicyAssociationAcceptor.class).warn("event=pixelmed.patch-skipped "
                    + "field=associationReleaseToTransportConnectionCloseTimeoutInMilliseconds error=\"{}\" "
                    + "effect=\"each association holds its slot PixelMed's own wait past its release\" "
                    + "fix=\"see src/main/java/com/pixelmed/network/README.md\"", e.toString());
        }
    }

    private PolicyAssociationAcceptor() {
        super();
    }

    /**
     * Reads the A-ASSOCIATE-RQ on an open connection and answers it; on return the association is in
     * state 6 (data transfer).
     *
     * @throws RefusedException   when the gate or the called AE title refused it (A-ASSOCIATE-RJ sent)
     * @throws DicomNetworkException for A-ABORT, an unexpected PDU or a closed connection
     */
    public static Association accept(Socket socket, String ourAeTitle, String implementationClassUid,
            String implementationVersionName, int ourMaximumLengthReceived,
            PresentationContextSelectionPolicy presentationContextPolicy, Gate gate,
            UnaryOperator<InputStream> inputGuard)
            throws DicomNetworkException {
        PolicyAssociationAcceptor association = new PolicyAssociationAcceptor();
        association.socket = socket;
        association.calledAETitle = ourAeTitle;
        try {
            association.negotiate(implementationClassUid, implementationVersionName, ourMaximumLengthReceived,
                    presentationContextPolicy, gate, inputGuard);
        } catch (IOException | RuntimeException e) {
            // RuntimeException: PixelMed's PDU parser met bytes that are not the PDU they claim to be
            abortQuietly(socket);
            throw new DicomNetworkException("A-P-ABORT indication - " + e);
        }
        return association;
    }

    private void negotiate(String implementationClassUid, String implementationVersionName,
            int ourMaximumLengthReceived, PresentationContextSelectionPolicy presentationContextPolicy, Gate gate,
            UnaryOperator<InputStream> inputGuard)
            throws DicomNetworkException, IOException {
        setSocketOptions(socket, ourMaximumLengthReceived,
                AssociationFactory.getDefaultReceiveBufferSize(), AssociationFactory.getDefaultSendBufferSize());
        // every PDU's claimed length is checked before PixelMed allocates it, from the A-ASSOCIATE-RQ on
        in = inputGuard.apply(socket.getInputStream());
        out = socket.getOutputStream();

        byte[] startBuffer = new byte[6];
        readInsistently(in, startBuffer, 0, 6, "type and length of PDU");
        int pduType = startBuffer[0] & 0xff;
        int pduLength = ByteArray.bigEndianToUnsignedInt(startBuffer, 2, 4);
        if (pduType == 0x07) {
            closeQuietly(socket);
            throw new DicomNetworkException("A-ABORT indication - "
                    + new AAbortPDU(getRestOfPDU(in, startBuffer, pduLength)).getInfo());
        }
        if (pduType != 0x01) {
            out.write(new AAbortPDU(0, 0).getBytes());
            out.flush();
            closeQuietly(socket);
            throw new DicomNetworkException("A-P-ABORT indication - expected A-ASSOCIATE-RQ, got PDU type 0x"
                    + Integer.toHexString(pduType));
        }

        AssociateRequestPDU request = new AssociateRequestPDU(getRestOfPDU(in, startBuffer, pduLength));
        callingAETitle = StringUtilities.removeLeadingOrTrailingWhitespaceOrISOControl(request.getCallingAETitle());
        String requestedCalledAeTitle =
                StringUtilities.removeLeadingOrTrailingWhitespaceOrISOControl(request.getCalledAETitle());
        Refusal refusal = calledAETitle.equals(requestedCalledAeTitle)
                ? gate.check(callingAETitle)
                : Refusal.CALLED_AE_TITLE_NOT_RECOGNIZED;
        if (refusal != null) {
            out.write(new AssociateRejectPDU(refusal.result, refusal.source, refusal.reason).getBytes());
            out.flush();
            closeQuietly(socket);
            throw new RefusedException(refusal, callingAETitle, requestedCalledAeTitle);
        }

        presentationContexts = request.getRequestedPresentationContexts();
        maximumLengthReceived = request.getMaximumLengthReceived();
        presentationContextPolicy.applyPresentationContextSelectionPolicy(presentationContexts, associationNumber);
        if (!anyAccepted(presentationContexts)) {
            // nothing could be exchanged on it: refuse rather than accept an association with no context
            out.write(new AssociateRejectPDU(Refusal.NO_PRESENTATION_CONTEXT.result,
                    Refusal.NO_PRESENTATION_CONTEXT.source, Refusal.NO_PRESENTATION_CONTEXT.reason).getBytes());
            out.flush();
            closeQuietly(socket);
            throw new RefusedException(Refusal.NO_PRESENTATION_CONTEXT, callingAETitle, requestedCalledAeTitle);
        }
        LinkedList accepted = AssociateAcceptPDU.sanitizePresentationContextsForAcceptance(presentationContexts);
        AssociateAcceptPDU accept = new AssociateAcceptPDU(calledAETitle, callingAETitle, implementationClassUid,
                implementationVersionName, ourMaximumLengthReceived, accepted, request.getSCUSCPRoleSelections());
        out.write(accept.getBytes());
        out.flush();
    }

    /** The abstract syntax (SOP Class) of presentation context {@code id} if it was accepted, else null. */
    public String acceptedAbstractSyntax(byte id) {
        for (Object each : presentationContexts) {
            PresentationContext context = (PresentationContext) each;
            if (context.getIdentifier() == id && context.getResultReason() == 0) {
                return context.getAbstractSyntaxUID();
            }
        }
        return null;
    }

    private static boolean anyAccepted(LinkedList contexts) {
        for (Object each : contexts) {
            if (((PresentationContext) each).getResultReason() == 0) {
                return true;
            }
        }
        return false;
    }

    /**
     * Sends A-ABORT (source: service provider, reason: invalid PDU parameter value) to a peer that broke a limit
     * or the protocol; the peer may be gone already. The caller closes the connection.
     */
    public static void sendAbort(Socket socket) {
        try {
            socket.getOutputStream().write(new AAbortPDU(2, 6).getBytes());
            socket.getOutputStream().flush();
        } catch (IOException | DicomNetworkException | RuntimeException ignored) {
            // the peer is gone already
        }
    }

    private static void abortQuietly(Socket socket) {
        sendAbort(socket);
        closeQuietly(socket);
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // the peer is gone already; nothing else to release
        }
    }

    @Override
    public String getCallingAEHostName() {
        return getRemoteHostName();
    }

    @Override
    public String getCalledAEHostName() {
        return getLocalHostName();
    }

    @Override
    public int getCallingAEPort() {
        return getRemotePort();
    }

    @Override
    public int getCalledAEPort() {
        return getLocalPort();
    }
}

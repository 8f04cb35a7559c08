package org.osteonode.ingest;

import com.pixelmed.dicom.SOPClass;
import com.pixelmed.dicom.TransferSyntax;
import com.pixelmed.network.PresentationContext;
import com.pixelmed.network.PresentationContextSelectionPolicy;

import java.util.LinkedList;
import java.util.List;
import java.util.Set;

/**
 * Accepts Verification and every Storage SOP Class in the transfer syntaxes osteonode can store as
 * received and parse; for each presentation context it takes the first such transfer syntax the sender
 * proposed, since a sender lists its preference first.
 */
public final class StoragePresentationContextPolicy implements PresentationContextSelectionPolicy {
    /** Uncompressed, deflated and the common compressed transfer syntaxes of PS3.5 Section 10. */
    public static final Set<String> TRANSFER_SYNTAXES = Set.of(
            TransferSyntax.ImplicitVRLittleEndian,
            TransferSyntax.ExplicitVRLittleEndian,
            TransferSyntax.ExplicitVRBigEndian,
            TransferSyntax.DeflatedExplicitVRLittleEndian,
            TransferSyntax.JPEGBaseline,
            TransferSyntax.JPEGExtended,
            TransferSyntax.JPEGLossless,
            TransferSyntax.JPEGLosslessSV1,
            TransferSyntax.JPEGLS,
            TransferSyntax.JPEGNLS,
            TransferSyntax.JPEG2000Lossless,
            TransferSyntax.JPEG2000,
            TransferSyntax.RLE);

    // PS3.8 Table 9-18 presentation context results
    private static final byte ACCEPTANCE = 0;
    private static final byte ABSTRACT_SYNTAX_NOT_SUPPORTED = 3;
    private static final byte TRANSFER_SYNTAXES_NOT_SUPPORTED = 4;

    @Override
    public LinkedList applyPresentationContextSelectionPolicy(LinkedList presentationContexts, int associationNumber) {
        for (Object each : presentationContexts) {
            select((PresentationContext) each);
        }
        return presentationContexts;
    }

    @Override
    public LinkedList applyPresentationContextSelectionPolicy(LinkedList presentationContexts, int associationNumber,
            int debugLevel) {
        return applyPresentationContextSelectionPolicy(presentationContexts, associationNumber);
    }

    private static void select(PresentationContext context) {
        String abstractSyntax = context.getAbstractSyntaxUID();
        if (!SOPClass.isVerification(abstractSyntax) && !SOPClass.isStorage(abstractSyntax)) {
            context.setResultReason(ABSTRACT_SYNTAX_NOT_SUPPORTED);
            return;
        }
        String chosen = firstSupported(context.getTransferSyntaxUIDs());
        context.newTransferSyntaxUIDs();
        if (chosen == null) {
            context.setResultReason(TRANSFER_SYNTAXES_NOT_SUPPORTED);
            return;
        }
        context.addTransferSyntaxUID(chosen);
        context.setResultReason(ACCEPTANCE);
    }

    private static String firstSupported(List<?> proposed) {
        for (Object transferSyntax : proposed) {
            if (TRANSFER_SYNTAXES.contains(transferSyntax)) {
                return (String) transferSyntax;
            }
        }
        return null;
    }
}

package org.osteonode.ingest;

import com.pixelmed.dicom.SOPClass;
import com.pixelmed.dicom.TransferSyntax;
import com.pixelmed.network.PresentationContext;
import org.junit.jupiter.api.Test;

import java.util.LinkedList;

import static org.assertj.core.api.Assertions.assertThat;

class StoragePresentationContextPolicyTest {
    private final StoragePresentationContextPolicy policy = new StoragePresentationContextPolicy();

    @Test
    void takesTheFirstProposedTransferSyntaxItSupports() {
        PresentationContext context = context(SOPClass.DigitalXRayImageStorageForPresentation,
                "1.2.840.10008.1.2.4.100", TransferSyntax.JPEGLS, TransferSyntax.ExplicitVRLittleEndian);

        apply(context);

        assertThat(context.getResultReason()).isEqualTo((byte) 0);
        assertThat(context.getTransferSyntaxUID()).isEqualTo(TransferSyntax.JPEGLS);
    }

    @Test
    void acceptsVerification() {
        PresentationContext context = context(SOPClass.Verification, TransferSyntax.ImplicitVRLittleEndian);

        apply(context);

        assertThat(context.getResultReason()).isEqualTo((byte) 0);
    }

    @Test
    void refusesWhatIsNotStorage() {
        PresentationContext find = context("1.2.840.10008.5.1.4.1.2.2.1", TransferSyntax.ImplicitVRLittleEndian);

        apply(find);

        assertThat(find.getResultReason()).isEqualTo((byte) 3);
    }

    @Test
    void refusesTransferSyntaxesItCannotParse() {
        PresentationContext video = context(SOPClass.DigitalXRayImageStorageForPresentation, TransferSyntax.MPEG2MPML);

        apply(video);

        assertThat(video.getResultReason()).isEqualTo((byte) 4);
    }

    private void apply(PresentationContext context) {
        LinkedList<PresentationContext> contexts = new LinkedList<>();
        contexts.add(context);
        policy.applyPresentationContextSelectionPolicy(contexts, 1);
    }

    private static PresentationContext context(String abstractSyntax, String... transferSyntaxes) {
        PresentationContext context = new PresentationContext((byte) 1, abstractSyntax);
        for (String transferSyntax : transferSyntaxes) {
            context.addTransferSyntaxUID(transferSyntax);
        }
        return context;
    }
}

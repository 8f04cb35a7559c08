package org.osteonode.ingest;

import com.pixelmed.dicom.SOPClass;
import com.pixelmed.dicom.TransferSyntax;
import com.pixelmed.network.PresentationContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

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

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "CR,                      1.2.840.10008.5.1.4.1.1.1",
        "DX for presentation,     1.2.840.10008.5.1.4.1.1.1.1",
        "DX for processing,       1.2.840.10008.5.1.4.1.1.1.1.1",
        "MG for presentation,     1.2.840.10008.5.1.4.1.1.1.2",
        "CT,                      1.2.840.10008.5.1.4.1.1.2",
        "MR,                      1.2.840.10008.5.1.4.1.1.4",
        "US,                      1.2.840.10008.5.1.4.1.1.6.1",
        "Secondary Capture,       1.2.840.10008.5.1.4.1.1.7",
        "Basic Text SR,           1.2.840.10008.5.1.4.1.1.88.11",
        "Comprehensive 3D SR,     1.2.840.10008.5.1.4.1.1.88.34",
        "Grayscale Softcopy PR,   1.2.840.10008.5.1.4.1.1.11.1",
        "Key Object Selection,    1.2.840.10008.5.1.4.1.1.88.59",
    })
    void acceptsTheStorageSopClassesAPacsSends(String name, String sopClass) {
        PresentationContext context = context(sopClass, TransferSyntax.ExplicitVRLittleEndian);

        apply(context);

        assertThat(context.getResultReason()).as(name).isEqualTo((byte) 0);
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

package org.osteonode.pixels;

import com.pixelmed.dicom.TransferSyntax;
import org.junit.jupiter.api.Test;
import org.osteonode.ingest.StoragePresentationContextPolicy;

import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DecodableTransferSyntaxesTest {

    @Test
    void everyTransferSyntaxTheNodeAcceptsIsEitherDecodedOrKnownNotToBe() {
        Set<String> classified = new HashSet<>(DecodableTransferSyntaxes.decodable());
        classified.addAll(DecodableTransferSyntaxes.undecodable());

        assertThat(classified).containsExactlyInAnyOrderElementsOf(StoragePresentationContextPolicy.TRANSFER_SYNTAXES);
    }

    @Test
    void withTheReadersOnTheClassPathAllButJpegLsDecode() {
        assertThat(DecodableTransferSyntaxes.undecodable())
                .containsExactlyInAnyOrder(TransferSyntax.JPEGLS, TransferSyntax.JPEGNLS);
        assertThat(DecodableTransferSyntaxes.decodable()).contains(TransferSyntax.JPEGLossless,
                TransferSyntax.JPEGLosslessSV1, TransferSyntax.JPEG2000Lossless, TransferSyntax.JPEG2000);
    }

    @Test
    void jpegLsIsRefusedWithTheReason() {
        assertThatThrownBy(() -> DecodableTransferSyntaxes.requireDecodable(TransferSyntax.JPEGLS, 12))
                .isInstanceOf(UnsupportedTransferSyntaxException.class)
                .hasMessageContaining("JPEG-LS")
                .extracting(e -> ((UnsupportedTransferSyntaxException) e).transferSyntaxUid())
                .isEqualTo(TransferSyntax.JPEGLS);
    }

    @Test
    void jpegExtendedDecodesEightBitsOnly() {
        assertThatCode(() -> DecodableTransferSyntaxes.requireDecodable(TransferSyntax.JPEGExtended, 8))
                .doesNotThrowAnyException();
        assertThatThrownBy(() -> DecodableTransferSyntaxes.requireDecodable(TransferSyntax.JPEGExtended, 12))
                .isInstanceOf(UnsupportedTransferSyntaxException.class)
                .hasMessageContaining("12 bits");
    }

    @Test
    void aTransferSyntaxOutsideTheAcceptedOnesIsRefused() {
        String highThroughputJpeg2000 = "1.2.840.10008.1.2.4.201";

        assertThatThrownBy(() -> DecodableTransferSyntaxes.requireDecodable(highThroughputJpeg2000, 12))
                .isInstanceOf(UnsupportedTransferSyntaxException.class);
        assertThatThrownBy(() -> DecodableTransferSyntaxes.requireDecodable("", 12))
                .isInstanceOf(UnsupportedTransferSyntaxException.class);
    }
}

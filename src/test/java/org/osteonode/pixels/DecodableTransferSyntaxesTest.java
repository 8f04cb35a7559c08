package org.osteonode.pixels;

import com.pixelmed.dicom.TransferSyntax;
import org.junit.jupiter.api.Test;
import org.osteonode.ingest.StoragePresentationContextPolicy;

import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DecodableTransferSyntaxesTest {

    @Test
    void everyTransferSyntaxTheNodeAcceptsIsDecodedInJavaOrByAChildProcess() {
        Set<String> classified = new HashSet<>(DecodableTransferSyntaxes.decodedInJava());
        classified.addAll(DecodableTransferSyntaxes.decodedByChildProcess());

        assertThat(classified).containsExactlyInAnyOrderElementsOf(StoragePresentationContextPolicy.TRANSFER_SYNTAXES);
    }

    @Test
    void withTheReadersOnTheClassPathAllButJpegLsDecodeInJava() {
        assertThat(DecodableTransferSyntaxes.decodedInJava()).doesNotContain(TransferSyntax.JPEGLS,
                TransferSyntax.JPEGNLS).contains(TransferSyntax.JPEGLossless, TransferSyntax.JPEGLosslessSV1,
                TransferSyntax.JPEG2000Lossless, TransferSyntax.JPEG2000, TransferSyntax.JPEGExtended);
    }

    @Test
    void jpegLsGoesToTheChildProcessAndWithoutOneIsRefusedWithTheReason() throws Exception {
        assertThat(DecodableTransferSyntaxes.decoder(TransferSyntax.JPEGLS, 12, true))
                .isEqualTo(DecodableTransferSyntaxes.Decoder.CHILD_PROCESS);
        assertThat(DecodableTransferSyntaxes.decoder(TransferSyntax.JPEGNLS, 16, true))
                .isEqualTo(DecodableTransferSyntaxes.Decoder.CHILD_PROCESS);
        assertThatThrownBy(() -> DecodableTransferSyntaxes.decoder(TransferSyntax.JPEGLS, 12, false))
                .isInstanceOf(UnsupportedTransferSyntaxException.class)
                .hasMessageContaining("JPEG-LS")
                .hasMessageContaining("child process")
                .extracting(e -> ((UnsupportedTransferSyntaxException) e).transferSyntaxUid())
                .isEqualTo(TransferSyntax.JPEGLS);
    }

    @Test
    void jpegExtendedDecodesEightBitsInJavaAndTwelveInTheChildProcess() throws Exception {
        assertThat(DecodableTransferSyntaxes.decoder(TransferSyntax.JPEGExtended, 8, false))
                .isEqualTo(DecodableTransferSyntaxes.Decoder.JPEG);
        assertThat(DecodableTransferSyntaxes.decoder(TransferSyntax.JPEGExtended, 12, true))
                .isEqualTo(DecodableTransferSyntaxes.Decoder.CHILD_PROCESS);
        assertThatThrownBy(() -> DecodableTransferSyntaxes.decoder(TransferSyntax.JPEGExtended, 12, false))
                .isInstanceOf(UnsupportedTransferSyntaxException.class)
                .hasMessageContaining("12 bits");
    }

    @Test
    void aTransferSyntaxOutsideTheAcceptedOnesIsRefused() {
        String highThroughputJpeg2000 = "1.2.840.10008.1.2.4.201";

        assertThatThrownBy(() -> DecodableTransferSyntaxes.decoder(highThroughputJpeg2000, 12, true))
                .isInstanceOf(UnsupportedTransferSyntaxException.class);
        assertThatThrownBy(() -> DecodableTransferSyntaxes.decoder("", 12, true))
                .isInstanceOf(UnsupportedTransferSyntaxException.class);
    }
}

package org.osteonode.ingest;

import org.junit.jupiter.api.Test;
import org.osteonode.testing.RawPeer;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PduGuardTest {
    private static final int MAX = 16384;

    @Test
    void wellFormedPdusPassByteForByteHoweverTheyAreRead() throws IOException {
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        stream.writeBytes(RawPeer.associateRq("A", "B", MAX, new RawPeer.PresentationContext(1, "1.2", "1.2.3")));
        stream.writeBytes(RawPeer.pData(1, true, true, new byte[100]));
        stream.writeBytes(RawPeer.pdu(RawPeer.P_DATA_TF, new byte[MAX]));
        stream.writeBytes(RawPeer.pdu(0x09, new byte[0])); // an empty PDU of an unknown type passes: PixelMed decides
        stream.writeBytes(RawPeer.releaseRq());
        byte[] bytes = stream.toByteArray();
        Random random = new Random(3);
        InputStream guard = new PduGuard(new ByteArrayInputStream(bytes), MAX, () -> { });
        ByteArrayOutputStream read = new ByteArrayOutputStream();
        byte[] buffer = new byte[64];
        int count;
        while ((count = guard.read(buffer, 0, 1 + random.nextInt(buffer.length))) >= 0) {
            read.write(buffer, 0, count);
        }

        assertThat(read.toByteArray()).isEqualTo(bytes);
    }

    @Test
    void aClaimBeyondTheLimitFailsBeforeAnyByteOfItsHeaderIsHandedOn() {
        // PixelMed allocates a PDU's length once it has read the 6 header bytes: the first read must fail.
        InputStream guard = guard(RawPeer.header(RawPeer.A_ASSOCIATE_RQ, 0x7FFFFFFFL));

        assertThatThrownBy(() -> guard.read(new byte[6], 0, 6)).isInstanceOf(PduGuard.Exceeded.class)
                .hasMessageContaining("2147483647");
    }

    @Test
    void pDataMayBeAsLongAsOfferedAndOtherPdusAt64KiB() throws IOException {
        assertThat(guard(RawPeer.header(RawPeer.P_DATA_TF, MAX)).read()).isEqualTo(RawPeer.P_DATA_TF);
        assertThatThrownBy(() -> guard(RawPeer.header(RawPeer.P_DATA_TF, MAX + 1)).read())
                .isInstanceOf(PduGuard.Exceeded.class);
        assertThat(guard(RawPeer.header(RawPeer.A_ASSOCIATE_RQ, PduGuard.MAX_OTHER_PDU)).read())
                .isEqualTo(RawPeer.A_ASSOCIATE_RQ);
        assertThatThrownBy(() -> guard(RawPeer.header(RawPeer.A_ABORT, PduGuard.MAX_OTHER_PDU + 1)).read())
                .isInstanceOf(PduGuard.Exceeded.class);
    }

    @Test
    void theReceiverIsToldBeforeTheExceptionSoThatItCanAbort() {
        AtomicInteger told = new AtomicInteger();
        InputStream guard = new PduGuard(new ByteArrayInputStream(RawPeer.header(RawPeer.P_DATA_TF, MAX + 1)), MAX,
                told::incrementAndGet);

        assertThatThrownBy(guard::read).isInstanceOf(PduGuard.Exceeded.class);
        assertThat(told).hasValue(1);
    }

    private static InputStream guard(byte[] bytes) {
        return new PduGuard(new ByteArrayInputStream(bytes), MAX, () -> { });
    }

    @Test
    void theEndOfTheStreamBetweenPdusIsTheEndAndInsideAHeaderAnError() throws IOException {
        assertThat(guard(new byte[0]).read()).isEqualTo(-1);
        assertThatThrownBy(() -> guard(new byte[] {4, 0, 0}).read())
                .isInstanceOf(IOException.class).hasMessageContaining("inside a PDU header");
    }
}

package org.osteonode.ingest;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.SOPClass;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.network.CEchoRequestCommandMessage;
import com.pixelmed.network.CStoreRequestCommandMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osteonode.config.Settings;
import org.osteonode.observe.Metrics;
import org.osteonode.testing.Dcmtk;
import org.osteonode.testing.Ports;
import org.osteonode.testing.RawPeer;
import org.osteonode.testing.SyntheticDicom;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.osteonode.testing.RawPeer.A_ABORT;
import static org.osteonode.testing.RawPeer.A_ASSOCIATE_AC;
import static org.osteonode.testing.RawPeer.A_ASSOCIATE_RJ;
import static org.osteonode.testing.RawPeer.IMPLICIT_LITTLE_ENDIAN;
import static org.osteonode.testing.RawPeer.P_DATA_TF;
import static org.osteonode.testing.RawPeer.VERIFICATION;

/**
 * The receiver against a peer that does not play by the rules, over raw sockets: claims that would make the node
 * allocate on the peer's say-so, PDUs longer than negotiated, commands that never end, contexts never accepted,
 * objects larger than allowed. After each, the connection is aborted or the object refused, nothing is kept,
 * and a well-behaved sender is still served.
 */
class HostilePeerIT {
    private static final int MAX_PDU = 16384;
    private static final long MAX_OBJECT = 1024 * 1024;

    @TempDir
    Path temp;

    private final int port = Ports.free();
    private final ConcurrentLinkedQueue<ReceivedObject> received = new ConcurrentLinkedQueue<>();
    private final Metrics metrics = new Metrics();
    private StorageScp scp;
    private Spool spool;

    @BeforeEach
    void start() throws Exception {
        spool = new Spool(temp.resolve("spool"), 0);
        Settings.Dicom settings = new Settings.Dicom("OSTEONODE", port, 0,
                new Settings.CallingAeTitles(Set.of("STORESCU"), false), 8, MAX_PDU, MAX_OBJECT, Duration.ofSeconds(20));
        scp = new StorageScp(settings, spool, new Quarantine(temp.resolve("quarantine"), metrics), received::add, metrics);
        scp.start();
    }

    @AfterEach
    void stillServesAWellBehavedSenderAndKeepsNothingOfTheBadOnes() throws Exception {
        Dcmtk.Result echo = Dcmtk.echoscu(port, "STORESCU", "OSTEONODE");
        assertThat(echo.exitCode()).as(echo.output()).isZero();
        try (var files = Files.walk(spool.dir())) {
            assertThat(files.filter(Files::isRegularFile)).as("nothing left in the spool").isEmpty();
        }
        scp.stop(Duration.ofSeconds(5));
    }

    @Test
    void anAssociateRequestClaiming2GiBIsAbortedBeforeItsBodyIsRead() throws Exception {
        try (RawPeer peer = RawPeer.connect(port)) {
            peer.send(RawPeer.header(RawPeer.A_ASSOCIATE_RQ, 0x7FFFFFFFL));

            assertThat(peer.nextPdu()).isEqualTo(A_ABORT);
        }
    }

    @Test
    void anAssociateRequestJustOverTheLimitIsAborted() throws Exception {
        byte[] request = RawPeer.associateRq("STORESCU", "OSTEONODE", MAX_PDU,
                new RawPeer.PresentationContext(1, VERIFICATION, IMPLICIT_LITTLE_ENDIAN));
        byte[] padded = Arrays.copyOf(request, PduGuard.MAX_OTHER_PDU + 7);
        byte[] header = RawPeer.header(RawPeer.A_ASSOCIATE_RQ, PduGuard.MAX_OTHER_PDU + 1);
        System.arraycopy(header, 0, padded, 0, header.length);
        try (RawPeer peer = RawPeer.connect(port)) {
            peer.send(padded);

            assertThat(peer.nextPdu()).isEqualTo(A_ABORT);
        }
    }

    @Test
    void aPDataPduLongerThanNegotiatedIsAborted() throws Exception {
        try (RawPeer peer = verificationAssociation()) {
            peer.send(RawPeer.header(P_DATA_TF, MAX_PDU + 1L));

            assertThat(peer.nextPdu()).isEqualTo(A_ABORT);
        }
    }

    @Test
    void commandFragmentsThatNeverEndAreAbortedAfter64KiB() throws Exception {
        try (RawPeer peer = verificationAssociation()) {
            byte[] fragment = new byte[8 * 1024];
            int answer = P_DATA_TF;
            for (int i = 0; i < 20 && answer == P_DATA_TF; i++) {
                peer.send(RawPeer.pData(1, true, false, fragment));
                answer = i >= 8 ? peer.nextPdu() : P_DATA_TF;
            }

            assertThat(answer).isEqualTo(A_ABORT);
        }
    }

    @Test
    void anAssociationWithoutPresentationContextsIsRejected() throws Exception {
        try (RawPeer peer = RawPeer.connect(port)) {
            assertThat(peer.associate("STORESCU", "OSTEONODE", MAX_PDU)).isEqualTo(A_ASSOCIATE_RJ);
        }
    }

    @Test
    void anAssociationWhoseContextsAreAllRefusedIsRejected() throws Exception {
        try (RawPeer peer = RawPeer.connect(port)) {
            assertThat(peer.associate("STORESCU", "OSTEONODE", MAX_PDU,
                    new RawPeer.PresentationContext(1, "1.2.3.4.5.6.7", IMPLICIT_LITTLE_ENDIAN)))
                    .isEqualTo(A_ASSOCIATE_RJ);
        }
    }

    @Test
    void aCommandOnAContextNeverAcceptedIsAborted() throws Exception {
        try (RawPeer peer = verificationAssociation()) {
            peer.send(RawPeer.pData(3, true, true, new CEchoRequestCommandMessage().getBytes()));

            assertThat(peer.nextPdu()).isEqualTo(A_ABORT);
        }
    }

    @Test
    void aStoreWhoseSopClassIsNotItsContextsIsRefusedWith0122() throws Exception {
        SyntheticDicom image = SyntheticDicom.radiograph().size(16, 16);
        try (RawPeer peer = RawPeer.connect(port)) {
            assertThat(peer.associate("STORESCU", "OSTEONODE", MAX_PDU, new RawPeer.PresentationContext(1,
                    SOPClass.ComputedRadiographyImageStorage, IMPLICIT_LITTLE_ENDIAN))).isEqualTo(A_ASSOCIATE_AC);
            // the command says DX on the CR context; the data set is a DX
            peer.send(RawPeer.pData(1, true, true, new CStoreRequestCommandMessage(
                    SOPClass.DigitalXRayImageStorageForPresentation, image.sopInstanceUid()).getBytes()));
            peer.send(RawPeer.pData(1, false, true, RawPeer.implicitLittleEndian(image.attributes())));

            assertThat(peer.nextPdu()).isEqualTo(P_DATA_TF);
            AttributeList response = peer.lastCommand();
            assertThat(Attribute.getSingleIntegerValueOrDefault(response, TagFromName.Status, -1)).isEqualTo(0x0122);
            assertThat(Attribute.getSingleStringValueOrEmptyString(response, TagFromName.ErrorComment))
                    .contains("abstract syntax");
            peer.send(RawPeer.releaseRq());
            assertThat(peer.nextPdu()).isEqualTo(RawPeer.A_RELEASE_RP);
        }
        assertThat(metrics.count("osteonode.instances.rejected", "reason", "sop-class-not-negotiated")).isEqualTo(1);
        assertThat(received).isEmpty();
    }

    @Test
    void anObjectOverTheSizeLimitIsRefusedAndNothingOfItIsKept() throws Exception {
        Path big = SyntheticDicom.radiograph().size(1024, 1024).write(temp.resolve("big.dcm"));
        Path small = SyntheticDicom.radiograph().size(64, 64).write(temp.resolve("small.dcm"));

        Dcmtk.Result refused = Dcmtk.storescu(port, "STORESCU", List.of(big));
        Dcmtk.Result sent = Dcmtk.storescu(port, "STORESCU", List.of(small));

        assertThat(refused.output()).contains("Refused: OutOfResources");
        assertThat(sent.successes()).as(sent.output()).isEqualTo(1);
        assertThat(received).hasSize(1);
        Path kept = received.poll().file();
        spool.done(kept, ProcessingPath.RESEARCH);
        spool.done(kept, ProcessingPath.CLINICAL);
        assertThat(metrics.count("osteonode.instances.rejected", "reason", "too-large")).isEqualTo(1);
    }

    private RawPeer verificationAssociation() throws Exception {
        RawPeer peer = RawPeer.connect(port);
        assertThat(peer.associate("STORESCU", "OSTEONODE", MAX_PDU,
                new RawPeer.PresentationContext(1, VERIFICATION, IMPLICIT_LITTLE_ENDIAN))).isEqualTo(A_ASSOCIATE_AC);
        return peer;
    }
}

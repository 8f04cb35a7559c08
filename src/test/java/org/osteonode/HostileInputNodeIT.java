package org.osteonode;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osteonode.testing.Dcmtk;
import org.osteonode.testing.NodeProcess;
import org.osteonode.testing.RawPeer;

import java.nio.file.Path;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.osteonode.testing.RawPeer.A_ABORT;
import static org.osteonode.testing.RawPeer.A_ASSOCIATE_AC;
import static org.osteonode.testing.RawPeer.A_ASSOCIATE_RJ;
import static org.osteonode.testing.RawPeer.IMPLICIT_LITTLE_ENDIAN;
import static org.osteonode.testing.RawPeer.P_DATA_TF;
import static org.osteonode.testing.RawPeer.VERIFICATION;

/** The whole node (its own process, -Xmx512m) against hostile peers: it answers each and keeps serving. */
class HostileInputNodeIT {
    @TempDir
    Path temp;

    @Test
    void hostilePeersAreAnsweredAndTheNodeKeepsServing() throws Exception {
        try (NodeProcess node = new NodeProcess(temp.resolve("node")).start()) {
            int port = node.dicomPort();

            try (RawPeer peer = RawPeer.connect(port)) {
                peer.send(RawPeer.header(RawPeer.A_ASSOCIATE_RQ, 0x7FFFFFFFL));
                assertThat(peer.nextPdu()).as("2 GiB A-ASSOCIATE-RQ").isEqualTo(A_ABORT);
            }
            stillServes(node);

            try (RawPeer peer = RawPeer.connect(port)) {
                assertThat(peer.associate("EVIL\nFORGED LINE", "OSTEONODE", 16384,
                        new RawPeer.PresentationContext(1, VERIFICATION, IMPLICIT_LITTLE_ENDIAN)))
                        .as("an unknown calling AE title").isEqualTo(A_ASSOCIATE_RJ);
            }
            stillServes(node);

            try (RawPeer peer = RawPeer.connect(port)) {
                assertThat(peer.associate("STORESCU", "OSTEONODE", 16384,
                        new RawPeer.PresentationContext(1, VERIFICATION, IMPLICIT_LITTLE_ENDIAN))).isEqualTo(A_ASSOCIATE_AC);
                peer.send(RawPeer.header(P_DATA_TF, 0x7FFFFFF0L));
                assertThat(peer.nextPdu()).as("2 GiB P-DATA-TF").isEqualTo(A_ABORT);
            }
            stillServes(node);

            try (RawPeer peer = RawPeer.connect(port)) {
                assertThat(peer.associate("STORESCU", "OSTEONODE", 16384,
                        new RawPeer.PresentationContext(1, VERIFICATION, IMPLICIT_LITTLE_ENDIAN))).isEqualTo(A_ASSOCIATE_AC);
                byte[] fragment = new byte[16000];
                Arrays.fill(fragment, (byte) 0x41);
                int answer = P_DATA_TF;
                for (int i = 0; i < 10 && answer == P_DATA_TF; i++) {
                    peer.send(RawPeer.pData(1, true, false, fragment));
                    answer = i >= 4 ? peer.nextPdu() : P_DATA_TF;
                }
                assertThat(answer).as("command fragments never marked last").isEqualTo(A_ABORT);
            }
            stillServes(node);

            String log = node.log();
            assertThat(log.lines()).as("no line forged by a calling AE title").noneMatch(line -> line.startsWith("FORGED"));
            assertThat(log).contains("EVIL?FORGED LINE").doesNotContain("OutOfMemoryError");
        }
    }

    private static void stillServes(NodeProcess node) throws Exception {
        assertThat(node.health().statusCode()).isEqualTo(200);
        Dcmtk.Result echo = Dcmtk.echoscu(node.dicomPort(), "STORESCU", "OSTEONODE");
        assertThat(echo.exitCode()).as(echo.output()).isZero();
    }
}

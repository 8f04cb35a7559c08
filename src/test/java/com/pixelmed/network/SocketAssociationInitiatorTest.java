package com.pixelmed.network;

import org.junit.jupiter.api.Test;

import java.io.DataOutputStream;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.LinkedList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The requesting side over a socket osteonode opened: what a peer may answer, checked before it is allocated. */
class SocketAssociationInitiatorTest {
    private static final String DX = "1.2.840.10008.5.1.4.1.1.1.1";

    /** A peer that reads the A-ASSOCIATE-RQ and answers with a PDU header of its choosing, then nothing. */
    private static Throwable answer(int type, long claimedLength) throws Exception {
        try (ServerSocket peer = new ServerSocket(0)) {
            CompletableFuture<Void> answering = CompletableFuture.runAsync(() -> {
                try (Socket socket = peer.accept()) {
                    InputStream in = socket.getInputStream();
                    in.readNBytes(6);
                    DataOutputStream out = new DataOutputStream(socket.getOutputStream());
                    out.writeByte(type);
                    out.writeByte(0);
                    out.writeInt((int) claimedLength);
                    out.flush();
                    in.read(); // until the requester closes
                } catch (Exception ignored) {
                    // the requester hung up
                }
            });
            LinkedList<PresentationContext> proposed = new LinkedList<>(List.of(
                    new PresentationContext((byte) 1, DX, "1.2.840.10008.1.2.1")));
            try (Socket socket = new Socket("localhost", peer.getLocalPort())) {
                socket.setSoTimeout(2_000);
                SocketAssociationInitiator.open(socket, in -> in, "PACS", "OSTEONODE", "2.25.1", "TEST", 16384,
                        proposed);
                return null;
            } catch (Exception e) {
                return e;
            } finally {
                answering.join();
            }
        }
    }

    @Test
    void anAnswerClaimingMoreThan64KiBIsRefusedBeforeItIsRead() throws Exception {
        assertThat(answer(0x02, 0xFFFF_FFF0L)).isInstanceOf(DicomNetworkException.class)
                .hasMessageContaining("at most 65536 taken");
        assertThat(answer(0x02, 64 * 1024 + 1)).hasMessageContaining("at most 65536 taken");
    }

    @Test
    void anUnexpectedPduIsAnAbort() throws Exception {
        assertThat(answer(0x04, 0)).isInstanceOf(DicomNetworkException.class)
                .hasMessageContaining("unexpected PDU type 0x4");
    }

    @Test
    void aShortAnswerIsAnErrorNotAHang() {
        assertThatThrownBy(() -> {
            Throwable failure = answer(0x02, 100); // claims 100 bytes, sends none, keeps the connection open
            if (failure != null) {
                throw failure;
            }
        }).isInstanceOfAny(DicomNetworkException.class, java.io.IOException.class);
    }
}

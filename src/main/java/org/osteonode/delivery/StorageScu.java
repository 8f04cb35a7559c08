package org.osteonode.delivery;

import com.pixelmed.dicom.SetOfDicomFiles;
import com.pixelmed.network.Association;
import com.pixelmed.network.DicomNetworkException;
import com.pixelmed.network.MultipleInstanceTransferStatusHandler;
import com.pixelmed.network.PresentationContextListFactory;
import com.pixelmed.network.SocketAssociationInitiator;
import com.pixelmed.network.StorageSOPClassSCU;
import org.osteonode.config.Settings;
import org.osteonode.ingest.PduGuard;
import org.osteonode.ingest.StorageScp;
import org.osteonode.tls.TlsContexts;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * C-STORE SCU to the PACS: one association per object, over TCP or DICOM TLS, status checked. osteonode opens
 * the connection (PixelMed's own TLS is TLS 1.0 only); PixelMed's Storage SCU sends over it.
 */
public final class StorageScu implements PacsSender {
    private static final int NO_COMPRESSION = 0;
    /** The largest P-DATA PDU we take from the PACS (its answers are a few hundred bytes). */
    private static final int MAX_PDU_LENGTH = 16384;

    private final Settings.Pacs pacs;
    private final String callingAeTitle;
    private final Optional<TlsContexts> tls;
    private final Duration timeout;

    /**
     * @param tls required when {@code pacs.tls()}: the CAs trusted for the PACS's certificate, and the node's own
     *            certificate for a PACS that asks for one
     */
    public StorageScu(Settings.Pacs pacs, String callingAeTitle, Optional<TlsContexts> tls, Duration timeout) {
        if (pacs.tls() && tls.isEmpty()) {
            throw new IllegalArgumentException("osteonode.pacs.tls is true but no TLS contexts were given");
        }
        this.pacs = pacs;
        this.callingAeTitle = callingAeTitle;
        this.tls = tls;
        this.timeout = timeout;
    }

    @Override
    public void send(Path file) throws DeliveryException {
        SetOfDicomFiles files = new SetOfDicomFiles();
        files.add(file.toString());
        Counts counts = new Counts();
        try (Socket socket = connect()) {
            Association association = SocketAssociationInitiator.open(socket,
                    in -> new PduGuard(in, MAX_PDU_LENGTH, () -> { }), pacs.aeTitle(), callingAeTitle,
                    StorageScp.IMPLEMENTATION_CLASS_UID, StorageScp.IMPLEMENTATION_VERSION_NAME, MAX_PDU_LENGTH,
                    PresentationContextListFactory.createNewPresentationContextList(files, NO_COMPRESSION));
            // PixelMed traps what goes wrong while sending and reports it through encounteredTrappedExceptions();
            // the counts say what the PACS answered. PixelMed counts an object as "completed" when it starts
            // sending it, and also as "failed" when the answer is a failure status (Success and the B000/B006/B007
            // warnings are not failures): accepted means attempted and not failed. OutboxDeliveryIT pins this
            // against an SCP that answers A700.
            StorageSOPClassSCU scu = new StorageSOPClassSCU(association, files, counts);
            if (counts.completed < 1 || counts.failed > 0) {
                throw refused(counts.failed > 0 ? "it answered with a C-STORE failure status"
                        : scu.encounteredTrappedExceptions() ? "the association broke" : "no response");
            }
            release(association);
        } catch (DicomNetworkException e) {
            throw refused("no association (refused, or not DICOM): " + e.getMessage());
        } catch (IOException e) {
            throw refused((pacs.tls() ? "no TLS connection (down, unreachable, or its certificate not trusted): "
                    : "no connection (down or unreachable): ") + e.getMessage());
        }
    }

    private Socket connect() throws IOException {
        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress(pacs.host(), pacs.port()), (int) timeout.toMillis());
            socket.setSoTimeout((int) timeout.toMillis());
        } catch (IOException e) {
            socket.close();
            throw e;
        }
        return pacs.tls() ? tls.orElseThrow().clientSide(socket, pacs.host(), pacs.port()) : socket;
    }

    /** The object is accepted once the PACS said so; a release that goes wrong after that changes nothing. */
    private static void release(Association association) {
        try {
            association.release();
        } catch (DicomNetworkException ignored) {
            // the PACS has the object; the connection is closed either way
        }
    }

    private DeliveryException refused(String why) {
        return new DeliveryException(pacs.aeTitle() + "@" + pacs.host() + ":" + pacs.port()
                + " did not accept the object: " + why);
    }

    private static final class Counts extends MultipleInstanceTransferStatusHandler {
        private int completed;
        private int failed;

        @Override
        public void updateStatus(int remaining, int completed, int failed, int warning, String sopInstanceUid) {
            this.completed = completed;
            this.failed = failed;
        }
    }
}

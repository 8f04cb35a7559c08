package org.osteonode.delivery;

import com.pixelmed.dicom.SetOfDicomFiles;
import com.pixelmed.network.MultipleInstanceTransferStatusHandler;
import com.pixelmed.network.StorageSOPClassSCU;

import java.nio.file.Path;

/** C-STORE SCU to the PACS (PixelMed's Storage SCU): one association per object, status checked. */
public final class StorageScu implements PacsSender {
    private static final int NO_COMPRESSION = 0;

    private final String host;
    private final int port;
    private final String calledAeTitle;
    private final String callingAeTitle;

    public StorageScu(String host, int port, String calledAeTitle, String callingAeTitle) {
        this.host = host;
        this.port = port;
        this.calledAeTitle = calledAeTitle;
        this.callingAeTitle = callingAeTitle;
    }

    @Override
    public void send(Path file) throws DeliveryException {
        SetOfDicomFiles files = new SetOfDicomFiles();
        files.add(file.toString());
        Counts counts = new Counts();
        // This PixelMed constructor traps its own exceptions (refused connection, rejected association) and
        // reports them through encounteredTrappedExceptions(); the counts say what the PACS answered. PixelMed
        // counts an object as "completed" when it starts sending it, and also as "failed" when the answer is a
        // failure status (Success and the B000/B006/B007 warnings are not failures): accepted means attempted
        // and not failed. OutboxDeliveryIT pins this against an SCP that answers A700.
        StorageSOPClassSCU scu = new StorageSOPClassSCU(host, port, calledAeTitle, callingAeTitle, files,
                NO_COMPRESSION, counts);
        if (counts.completed < 1 || counts.failed > 0) {
            String why = counts.failed > 0 ? "it answered with a C-STORE failure status"
                    : scu.encounteredTrappedExceptions() ? "no association (PACS down, unreachable or refusing us)"
                    : "no response";
            throw new DeliveryException(calledAeTitle + "@" + host + ":" + port + " did not accept the object: " + why);
        }
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

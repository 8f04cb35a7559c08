package org.osteonode.ingest;

import com.pixelmed.dicom.TransferSyntax;
import com.pixelmed.network.Association;
import com.pixelmed.network.AssociationFactory;
import com.pixelmed.network.PresentationContext;
import com.pixelmed.dicom.SOPClass;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.osteonode.testing.Encodings;
import org.osteonode.config.Settings;
import org.osteonode.observe.Metrics;
import org.osteonode.testing.Dcmtk;
import org.osteonode.testing.Ports;
import org.osteonode.testing.SyntheticDicom;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;

import static org.assertj.core.api.Assertions.assertThat;

/** The receiver alone (no database), with dcmtk's storescu as the sender. */
class StorageScpIT {
    @TempDir
    Path temp;

    private final int port = Ports.free();
    private final ConcurrentLinkedQueue<ReceivedObject> received = new ConcurrentLinkedQueue<>();
    private final Metrics metrics = new Metrics();
    private StorageScp scp;
    private Spool spool;

    private void start(long minFreeBytes, int maxAssociations) throws Exception {
        start(minFreeBytes, maxAssociations, Spool.Fsync.DISK);
    }

    private void start(long minFreeBytes, int maxAssociations, Spool.Fsync fsync) throws Exception {
        spool = new Spool(temp.resolve("spool"), minFreeBytes, fsync);
        Settings.Dicom settings = new Settings.Dicom("OSTEONODE", port, 0,
                new Settings.CallingAeTitles(Set.of("STORESCU"), false), maxAssociations, 131072, 1L << 30,
                Duration.ofSeconds(30));
        scp = new StorageScp(settings, spool, new Quarantine(temp.resolve("quarantine"), metrics), received::add, metrics);
        scp.start();
    }

    @AfterEach
    void stop() {
        if (scp != null) {
            scp.stop(Duration.ofSeconds(5));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.osteonode.testing.Encodings#lossless")
    void objectIsStoredInTheTransferSyntaxItWasSentIn(Encodings encoding) throws Exception {
        start(0, 8);
        Path original = SyntheticDicom.radiograph().size(128, 128).write(temp.resolve("original.dcm"));
        Path encoded = encoding.encode(original, temp.resolve("encoded.dcm"));
        String transferSyntax = encoding.transferSyntaxUid();

        Dcmtk.Result sent = Dcmtk.storescu(port, "STORESCU", List.of(encoded), "-R", encoding.storescuProposal());

        assertThat(sent.successes()).as(sent.output()).isEqualTo(1);
        ReceivedObject object = received.poll();
        assertThat(object.header().transferSyntaxUid()).isEqualTo(transferSyntax);
        // A deflated stream depends on how the sender fed its compressor: compare what it inflates to.
        boolean deflated = transferSyntax.equals(TransferSyntax.DeflatedExplicitVRLittleEndian);
        assertThat(dataSet(object.file(), deflated)).as("data set stored as received")
                .isEqualTo(dataSet(encoded, deflated));
    }

    @Test
    void belowTheDiskWatermarkTheAnswerIsOutOfResourcesAndNothingIsLeftBehind() throws Exception {
        start(Long.MAX_VALUE, 8);
        Path file = SyntheticDicom.radiograph().write(temp.resolve("one.dcm"));

        Dcmtk.Result sent = Dcmtk.storescu(port, "STORESCU", List.of(file));

        assertThat(sent.output()).contains("Received Store Response (Refused: OutOfResources)");
        assertThat(received).isEmpty();
        try (var files = Files.walk(spool.dir())) {
            assertThat(files.filter(Files::isRegularFile)).isEmpty();
        }
        assertThat(metrics.count("osteonode.instances.rejected", "reason", "disk-full")).isEqualTo(1);
    }

    @Test
    void successIsAnsweredOnlyAfterTheObjectAndItsRenameAreFsynced() throws Exception {
        // Each fsync records how many objects the sender had been told about by then: none may be acknowledged
        // (handed on, which happens right after its response is sent) before both of its fsyncs happened.
        List<String> events = new java.util.concurrent.CopyOnWriteArrayList<>();
        start(0, 8, new Spool.Fsync() {
            @Override
            public void file(java.nio.channels.FileChannel channel, Path file) throws java.io.IOException {
                events.add("file acknowledged=" + received.size());
                Spool.Fsync.DISK.file(channel, file);
            }

            @Override
            public void directory(Path directory) throws java.io.IOException {
                events.add("directory acknowledged=" + received.size());
                Spool.Fsync.DISK.directory(directory);
            }
        });
        Path first = SyntheticDicom.radiograph().instance(1).write(temp.resolve("1.dcm"));
        Path second = SyntheticDicom.radiograph().instance(2).write(temp.resolve("2.dcm"));

        Dcmtk.Result sent = Dcmtk.storescu(port, "STORESCU", List.of(first, second));

        assertThat(sent.successes()).as(sent.output()).isEqualTo(2);
        assertThat(events).containsExactly("file acknowledged=0", "directory acknowledged=0",
                "file acknowledged=1", "directory acknowledged=1");
    }

    @ParameterizedTest(name = "fsync of the {0} fails")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"file", "directory"})
    void whenFsyncFailsTheSenderHearsOutOfResourcesAndNothingIsKept(String which) throws Exception {
        start(0, 8, SpoolTest.failing(which.equals("file")));
        Path file = SyntheticDicom.radiograph().write(temp.resolve("one.dcm"));

        Dcmtk.Result sent = Dcmtk.storescu(port, "STORESCU", List.of(file));

        assertThat(sent.successes()).as(sent.output()).isZero();
        assertThat(sent.output()).contains("Refused: OutOfResources");
        assertThat(received).isEmpty();
        assertThat(spool.pending()).isEmpty();
        assertThat(metrics.count("osteonode.instances.rejected", "reason", "spool-write-failed")).isEqualTo(1);
    }

    @Test
    void eightSendersAtOnceAreAllServed() throws Exception {
        start(0, 8);
        int senders = 8;
        int perSender = 5;
        List<List<Path>> batches = new ArrayList<>();
        for (int s = 0; s < senders; s++) {
            List<Path> batch = new ArrayList<>();
            for (int i = 0; i < perSender; i++) {
                batch.add(SyntheticDicom.radiograph().instance(i + 1).size(1024, 1024)
                        .write(temp.resolve("s" + s + "/" + i + ".dcm")));
            }
            batches.add(batch);
        }
        ExecutorService pool = Executors.newFixedThreadPool(senders);
        List<Future<Dcmtk.Result>> results = new ArrayList<>();
        for (List<Path> batch : batches) {
            results.add(pool.submit(() -> Dcmtk.storescu(port, "STORESCU", batch)));
        }
        for (Future<Dcmtk.Result> result : results) {
            assertThat(result.get().successes()).as(result.get().output()).isEqualTo(perSender);
        }
        pool.shutdown();
        assertThat(received).hasSize(senders * perSender);
    }

    @Test
    void anAssociationBeyondTheLimitIsRefusedAsLocalLimitExceeded() throws Exception {
        start(0, 1);
        LinkedList<PresentationContext> contexts = new LinkedList<>();
        contexts.add(new PresentationContext((byte) 1, SOPClass.Verification, TransferSyntax.ImplicitVRLittleEndian));
        Association held = AssociationFactory.createNewAssociation("localhost", port, "OSTEONODE", "STORESCU",
                contexts, null, false);
        try {
            Dcmtk.Result echo = Dcmtk.echoscu(port, "STORESCU", "OSTEONODE");

            assertThat(echo.exitCode()).isNotZero();
            assertThat(echo.output()).contains("Rejected Transient").contains("Local Limit Exceeded");
        } finally {
            held.release();
        }
    }

    /** The bytes after the File Meta Information: the data set as it travelled (inflated if asked). */
    private static byte[] dataSet(Path file, boolean inflate) throws Exception {
        byte[] bytes = Files.readAllBytes(file);
        int groupLength = (bytes[140] & 0xff) | (bytes[141] & 0xff) << 8 | (bytes[142] & 0xff) << 16
                | (bytes[143] & 0xff) << 24;
        byte[] dataSet = Arrays.copyOfRange(bytes, 144 + groupLength, bytes.length);
        if (!inflate) {
            return dataSet;
        }
        try (var in = new InflaterInputStream(new ByteArrayInputStream(dataSet), new Inflater(true))) {
            return in.readAllBytes();
        }
    }
}

package org.osteonode;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.SOPClass;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.TransferSyntax;
import com.pixelmed.network.CEchoRequestCommandMessage;
import com.pixelmed.network.CStoreRequestCommandMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osteonode.testing.Dcmtk;
import org.osteonode.testing.NodeProcess;
import org.osteonode.testing.Poll;
import org.osteonode.testing.RawPeer;
import org.osteonode.testing.SyntheticDicom;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.osteonode.testing.RawPeer.A_ABORT;
import static org.osteonode.testing.RawPeer.A_ASSOCIATE_AC;
import static org.osteonode.testing.RawPeer.A_ASSOCIATE_RJ;
import static org.osteonode.testing.RawPeer.A_RELEASE_RP;
import static org.osteonode.testing.RawPeer.CLOSED;
import static org.osteonode.testing.RawPeer.IMPLICIT_LITTLE_ENDIAN;
import static org.osteonode.testing.RawPeer.P_DATA_TF;
import static org.osteonode.testing.RawPeer.VERIFICATION;

/**
 * The fault suite: one node, as deployed (its own process, -Xmx512m), against malformed and hostile input over
 * raw sockets, case after case. Each case states what the node must answer; after each, the node must be alive,
 * /health 200 and a C-ECHO answered. At the end every broken object has an answer (a failure status or the
 * quarantine), the spool is empty and the node's peak resident memory stayed bounded.
 */
class FaultSuiteIT {
    private static final String DX = SOPClass.DigitalXRayImageStorageForPresentation;
    private static final String DEFLATED = TransferSyntax.DeflatedExplicitVRLittleEndian;
    private static final int PDU = 16384;
    private static final int ECHO_CONTEXT = 1;
    private static final int DX_CONTEXT = 3;
    private static final int DEFLATED_CONTEXT = 5;
    private static final long MEMORY_BOUND = 1536L * 1024 * 1024;

    @TempDir
    static Path temp;

    private static NodeProcess node;
    private static final Map<String, Object> outcomes = new LinkedHashMap<>();

    @BeforeAll
    static void start() throws Exception {
        node = new NodeProcess(temp.resolve("node"))
                .with("osteonode.dicom.timeout-seconds", "3")
                .with("osteonode.dicom.max-pdu-length", Integer.toString(PDU))
                .with("osteonode.dicom.max-object-mb", "4")
                .start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (node != null) {
            node.close();
        }
    }

    @Test
    void everyMalformedInputIsAnsweredAndTheNodeKeepsServing() throws Exception {
        // --- before or instead of an association -------------------------------------------------------
        expect("A-ASSOCIATE-RQ claiming 2 GiB", A_ABORT, raw(RawPeer.header(RawPeer.A_ASSOCIATE_RQ, 0x7FFFFFFFL)));
        expect("A-ASSOCIATE-RQ claiming 64 KiB + 1", A_ABORT,
                raw(RawPeer.header(RawPeer.A_ASSOCIATE_RQ, 64 * 1024 + 1)));
        expect("A-ASSOCIATE-RQ of 10 garbage bytes", A_ABORT,
                raw(RawPeer.pdu(RawPeer.A_ASSOCIATE_RQ, "0123456789".getBytes())));
        expect("an empty A-ASSOCIATE-RQ", A_ABORT, raw(RawPeer.pdu(RawPeer.A_ASSOCIATE_RQ, new byte[0])));
        expect("a PDU of unknown type first", A_ABORT, raw(RawPeer.pdu(0x09, new byte[4])));
        expect("P-DATA-TF before any association", A_ABORT, raw(RawPeer.pData(1, true, true, new byte[10])));
        expect("A-RELEASE-RQ before any association", A_ABORT, raw(RawPeer.releaseRq()));
        byte[] truncated = RawPeer.associateRq("STORESCU", "OSTEONODE", PDU, verification());
        expect("an A-ASSOCIATE-RQ cut short, then silence", List.of(A_ABORT, CLOSED),
                raw(java.util.Arrays.copyOf(truncated, truncated.length / 2)));
        expect("connect and say nothing", List.of(A_ABORT, CLOSED), raw(new byte[0]));
        expect("the wrong called AE title", A_ASSOCIATE_RJ,
                peer -> peer.associate("STORESCU", "SOMEONE", PDU, verification()));
        expect("a calling AE title not allowed", A_ASSOCIATE_RJ,
                peer -> peer.associate("INTRUDER", "OSTEONODE", PDU, verification()));
        expect("a calling AE title with a newline", A_ASSOCIATE_RJ,
                peer -> peer.associate("BAD\nINJECTED", "OSTEONODE", PDU, verification()));
        expect("no presentation context", A_ASSOCIATE_RJ, peer -> peer.associate("STORESCU", "OSTEONODE", PDU));
        expect("only an unknown abstract syntax", A_ASSOCIATE_RJ, peer -> peer.associate("STORESCU", "OSTEONODE",
                PDU, new RawPeer.PresentationContext(1, "1.2.3.4.5", IMPLICIT_LITTLE_ENDIAN)));
        expect("a presentation context without transfer syntax", A_ASSOCIATE_RJ,
                peer -> peer.associate("STORESCU", "OSTEONODE", PDU, new RawPeer.PresentationContext(1, VERIFICATION)));

        // --- within an association ------------------------------------------------------------------------
        expect("P-DATA-TF claiming 2 GiB", A_ABORT, associated(peer -> send(peer, RawPeer.header(P_DATA_TF, 0x7FFFFFF0L))));
        expect("P-DATA-TF one byte longer than offered", A_ABORT,
                associated(peer -> send(peer, RawPeer.header(P_DATA_TF, PDU + 1))));
        expect("command fragments never marked last", A_ABORT, associated(peer -> {
            int answer = P_DATA_TF;
            for (int i = 0; i < 12 && answer == P_DATA_TF; i++) {
                peer.send(RawPeer.pData(ECHO_CONTEXT, true, false, new byte[8000]));
                answer = i >= 8 ? peer.nextPdu() : P_DATA_TF;
            }
            return answer;
        }));
        expect("a data set before any command", A_ABORT,
                associated(peer -> send(peer, RawPeer.pData(DX_CONTEXT, false, true, new byte[64]))));
        expect("a command on a context never proposed", A_ABORT,
                associated(peer -> send(peer, RawPeer.pData(7, true, true, new CEchoRequestCommandMessage().getBytes()))));
        expect("a C-FIND-RQ, which the node does not serve", A_ABORT,
                associated(peer -> send(peer, RawPeer.pData(ECHO_CONTEXT, true, true, findCommand()))));
        expect("a command set of garbage", List.of(A_ABORT, CLOSED),
                associated(peer -> send(peer, RawPeer.pData(ECHO_CONTEXT, true, true, "garbage!".getBytes()))));
        // PixelMed's data-transfer loop closes the connection itself on this one, before osteonode could abort
        expect("a PDV whose length exceeds its PDU", List.of(A_ABORT, CLOSED), associated(peer -> {
            byte[] pdu = RawPeer.pData(ECHO_CONTEXT, true, true, new byte[20]);
            pdu[9] = 0x7F; // PDV length 0x7F000016
            return send(peer, pdu);
        }));
        expect("a second A-ASSOCIATE-RQ mid-association", List.of(A_ABORT, CLOSED),
                associated(peer -> send(peer, RawPeer.associateRq("STORESCU", "OSTEONODE", PDU, verification()))));
        expect("A-RELEASE-RQ claiming 2 GiB mid-association", A_ABORT,
                associated(peer -> send(peer, RawPeer.header(RawPeer.A_RELEASE_RQ, 0x7FFFFFFFL))));
        expect("a PDV on presentation context 0", A_ABORT,
                associated(peer -> send(peer, RawPeer.pData(0, true, true, new CEchoRequestCommandMessage().getBytes()))));
        expect("a command whose element claims more than the command holds", A_ABORT,
                associated(peer -> send(peer, RawPeer.pData(ECHO_CONTEXT, true, true,
                        concat(new byte[] {0x00, 0x00, 0x00, 0x01}, le32(0x20000000L), new byte[8])))));
        expect("a C-ECHO then release (control)", A_RELEASE_RP, associated(peer -> {
            peer.send(RawPeer.pData(ECHO_CONTEXT, true, true, new CEchoRequestCommandMessage().getBytes()));
            assertThat(peer.nextPdu()).isEqualTo(P_DATA_TF);
            return send(peer, RawPeer.releaseRq());
        }));

        // --- C-STORE of broken objects: a failure status (Error Comment says why), nothing acknowledged -----
        SyntheticDicom good = SyntheticDicom.radiograph().size(64, 64);
        expectStatus("SOP Class not the context's", 0x0122, peer -> store(peer, DX_CONTEXT,
                SOPClass.ComputedRadiographyImageStorage, SyntheticDicom.newUid(), RawPeer.implicitLittleEndian(good.attributes())));
        expectStatus("a data set of garbage", 0xC000, peer -> store(peer, DX_CONTEXT, DX, SyntheticDicom.newUid(),
                "not a data set at all, just text".repeat(10).getBytes()));
        expectStatus("an element claiming 2 GiB", 0xC000, peer -> store(peer, DX_CONTEXT, DX, SyntheticDicom.newUid(),
                concat(new byte[] {0x09, 0x00, 0x10, 0x10}, le32(0x7FFFFFF0L), new byte[64])));
        expectStatus("sequences nested 10,000 deep", 0xC000,
                peer -> store(peer, DX_CONTEXT, DX, SyntheticDicom.newUid(), nested(10_000)));
        expectStatus("an undefined length on a text element", 0xC000, peer -> store(peer, DX_CONTEXT, DX,
                SyntheticDicom.newUid(), concat(new byte[] {0x10, 0x00, 0x10, 0x00}, le32(0xFFFFFFFFL))));
        expectStatus("Pixel Data shorter than Rows x Columns", 0xC000,
                peer -> storeObject(peer, DX_CONTEXT, shortPixels()));
        expectStatus("no Study Instance UID", 0xC000, peer -> {
            AttributeList list = SyntheticDicom.radiograph().size(32, 32).withoutStudyInstanceUid().attributes();
            return storeObject(peer, DX_CONTEXT, list);
        });
        expectStatus("a SOP Instance UID other than the command's", 0xC000, peer -> store(peer, DX_CONTEXT, DX,
                SyntheticDicom.newUid(), RawPeer.implicitLittleEndian(SyntheticDicom.radiograph().size(32, 32).attributes())));
        expectStatus("an object over osteonode.dicom.max-object-mb", 0xA700,
                peer -> storeObject(peer, DX_CONTEXT, SyntheticDicom.radiograph().size(2048, 1536).attributes()));
        expectStatus("a deflate bomb", 0xC000, peer -> store(peer, DEFLATED_CONTEXT, DX, SyntheticDicom.newUid(),
                deflateBomb()));
        expectStatus("a deflated data set that is not deflate", 0xC000, peer -> store(peer, DEFLATED_CONTEXT, DX,
                SyntheticDicom.newUid(), "this is no deflate stream".repeat(4).getBytes()));
        expect("a data set cut off by A-ABORT", CLOSED, associated(peer -> {
            peer.send(RawPeer.pData(DX_CONTEXT, true, true, new CStoreRequestCommandMessage(DX,
                    SyntheticDicom.newUid()).getBytes()));
            peer.send(RawPeer.pData(DX_CONTEXT, false, false, new byte[1000]));
            return send(peer, RawPeer.pdu(A_ABORT, new byte[4]));
        }));
        expect("a data set cut off by closing the connection", CLOSED, peer -> {
            assertThat(peer.associate("STORESCU", "OSTEONODE", PDU, contexts())).isEqualTo(A_ASSOCIATE_AC);
            peer.send(RawPeer.pData(DX_CONTEXT, true, true, new CStoreRequestCommandMessage(DX,
                    SyntheticDicom.newUid()).getBytes()));
            peer.send(RawPeer.pData(DX_CONTEXT, false, false, new byte[1000]));
            peer.close();
            return CLOSED;
        });
        expectStatus("a good object (control)", 0x0000,
                peer -> storeObject(peer, DX_CONTEXT, SyntheticDicom.radiograph().size(64, 64).attributes()));

        assertThat(outcomes).as("cases run").hasSizeGreaterThanOrEqualTo(40);
        outcomes.forEach((name, answer) -> System.out.printf("fault suite: %-60s %s%n", name, answer));
        Poll.until(Duration.ofSeconds(60), "the spool emptied", () -> node.spoolObjects().isEmpty());
        assertThat(node.count("select count(*) from instance")).as("only the good object was acknowledged").isEqualTo(1);
        try (var quarantined = Files.list(node.dataDir().resolve("quarantine"))) {
            assertThat(quarantined.filter(p -> p.toString().endsWith(".dcm")).count())
                    .as("the broken objects that reached the spool are kept for inspection").isGreaterThanOrEqualTo(7);
        }
        assertThat(node.peakResidentBytes()).as("peak resident memory").isLessThan(MEMORY_BOUND);
        String log = node.log();
        assertThat(log).doesNotContain("OutOfMemoryError").doesNotContain("StackOverflowError");
        assertThat(log.lines()).noneMatch(line -> line.startsWith("INJECTED"));
    }

    // --- one case -------------------------------------------------------------------------------------------

    @FunctionalInterface
    private interface Case {
        int run(RawPeer peer) throws Exception;
    }

    private static void expect(String name, int answer, Case test) throws Exception {
        expect(name, List.of(answer), test);
    }

    private static void expect(String name, List<Integer> answers, Case test) throws Exception {
        int answer;
        try (RawPeer peer = RawPeer.connect(node.dicomPort())) {
            answer = test.run(peer);
        }
        outcomes.put(name, answer);
        assertThat(answers).as(name + ": the node answered PDU type " + answer).contains(answer);
        stillServes(name);
    }

    private static void expectStatus(String name, int status, Case store) throws Exception {
        int answered;
        try (RawPeer peer = RawPeer.connect(node.dicomPort())) {
            assertThat(peer.associate("STORESCU", "OSTEONODE", PDU, contexts())).isEqualTo(A_ASSOCIATE_AC);
            answered = store.run(peer);
            peer.send(RawPeer.releaseRq());
            peer.nextPdu();
        }
        outcomes.put(name, answered);
        assertThat(answered).as(name + ": status 0x" + Integer.toHexString(answered)).isEqualTo(status);
        stillServes(name);
    }

    private static void stillServes(String after) throws Exception {
        assertThat(node.health().statusCode()).as("/health after: " + after).isEqualTo(200);
        Dcmtk.Result echo = Dcmtk.echoscu(node.dicomPort(), "STORESCU", "OSTEONODE");
        assertThat(echo.exitCode()).as("C-ECHO after: " + after + "\n" + echo.output()).isZero();
    }

    private static Case raw(byte[] bytes) {
        return peer -> send(peer, bytes);
    }

    private static Case associated(Case then) {
        return peer -> {
            assertThat(peer.associate("STORESCU", "OSTEONODE", PDU, contexts())).isEqualTo(A_ASSOCIATE_AC);
            return then.run(peer);
        };
    }

    private static int send(RawPeer peer, byte[] bytes) throws Exception {
        return peer.send(bytes).nextPdu();
    }

    private static RawPeer.PresentationContext verification() {
        return new RawPeer.PresentationContext(ECHO_CONTEXT, VERIFICATION, IMPLICIT_LITTLE_ENDIAN);
    }

    private static RawPeer.PresentationContext[] contexts() {
        return new RawPeer.PresentationContext[] {verification(),
                new RawPeer.PresentationContext(DX_CONTEXT, DX, IMPLICIT_LITTLE_ENDIAN),
                new RawPeer.PresentationContext(DEFLATED_CONTEXT, DX, DEFLATED)};
    }

    // --- C-STORE by hand --------------------------------------------------------------------------------------

    /** Sends a C-STORE (command, then the data set's bytes in PDUs that fit) and returns the response's status. */
    private static int store(RawPeer peer, int context, String sopClass, String sopInstance, byte[] dataSet)
            throws Exception {
        peer.send(RawPeer.pData(context, true, true, new CStoreRequestCommandMessage(sopClass, sopInstance).getBytes()));
        int chunk = PDU - 6;
        for (int from = 0; from < dataSet.length || from == 0; from += chunk) {
            int to = Math.min(dataSet.length, from + chunk);
            peer.send(RawPeer.pData(context, false, to == dataSet.length,
                    java.util.Arrays.copyOfRange(dataSet, from, to)));
            if (to == dataSet.length) {
                break;
            }
        }
        assertThat(peer.nextPdu()).as("the C-STORE response").isEqualTo(P_DATA_TF);
        return Attribute.getSingleIntegerValueOrDefault(peer.lastCommand(), TagFromName.Status, -1);
    }

    private static int storeObject(RawPeer peer, int context, AttributeList list) throws Exception {
        String sopClass = Attribute.getSingleStringValueOrEmptyString(list, TagFromName.SOPClassUID);
        String sopInstance = Attribute.getSingleStringValueOrEmptyString(list, TagFromName.SOPInstanceUID);
        return store(peer, context, sopClass, sopInstance, RawPeer.implicitLittleEndian(list));
    }

    private static AttributeList shortPixels() throws Exception {
        AttributeList list = SyntheticDicom.radiograph().size(32, 32).attributes();
        list.get(TagFromName.Rows).setValue(64); // Pixel Data holds 32 x 32
        return list;
    }

    private static byte[] findCommand() throws Exception {
        AttributeList command = new AttributeList();
        SyntheticDicom.putShort(command, TagFromName.CommandField, 0x0020);
        SyntheticDicom.putShort(command, TagFromName.MessageID, 1);
        SyntheticDicom.putShort(command, TagFromName.CommandDataSetType, 0x0101);
        return RawPeer.implicitLittleEndian(command);
    }

    /** Content Sequences nested {@code depth} deep, implicit VR, undefined lengths, never closed. */
    private static byte[] nested(int depth) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < depth; i++) {
            out.writeBytes(new byte[] {0x40, 0x00, 0x30, (byte) 0xA7});
            out.writeBytes(le32(0xFFFFFFFFL));
            out.writeBytes(new byte[] {(byte) 0xFE, (byte) 0xFF, 0x00, (byte) 0xE0});
            out.writeBytes(le32(0xFFFFFFFFL));
        }
        return out.toByteArray();
    }

    /** An explicit VR OB element of 64 MB of zeros, deflated (about 64 KB). */
    private static byte[] deflateBomb() throws Exception {
        ByteArrayOutputStream deflated = new ByteArrayOutputStream();
        try (DeflaterOutputStream out = new DeflaterOutputStream(deflated, new Deflater(9, true))) {
            out.write(new byte[] {0x09, 0x00, 0x10, 0x10, 'O', 'B', 0, 0});
            out.write(le32(64L * 1024 * 1024));
            byte[] zeros = new byte[1 << 20];
            for (int i = 0; i < 64; i++) {
                out.write(zeros);
            }
        }
        return deflated.toByteArray();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    private static byte[] le32(long value) {
        return new byte[] {(byte) value, (byte) (value >>> 8), (byte) (value >>> 16), (byte) (value >>> 24)};
    }
}

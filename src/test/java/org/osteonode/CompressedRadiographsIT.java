package org.osteonode;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.TagFromName;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osteonode.testing.Dcmtk;
import org.osteonode.testing.NodeProcess;
import org.osteonode.testing.OrthancProcess;
import org.osteonode.testing.Poll;
import org.osteonode.testing.ReferencePseudonyms;
import org.osteonode.testing.SyntheticDicom;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 13 end to end: spine radiographs in JPEG-LS (lossless and near-lossless, made by dcmtk and by GDCM) and in
 * 12-bit JPEG Extended reach the model through the node's child-process decoder and are scored exactly as their
 * uncompressed twins, each study getting its report in Orthanc; a malformed JPEG-LS code stream is stored, archived
 * for research and announced as unscored, and leaves neither a report nor a temporary file behind.
 */
class CompressedRadiographsIT {
    private static final String JPEG_LS_LOSSLESS = "1.2.840.10008.1.2.4.80";
    private static final String JPEG_LS_NEAR_LOSSLESS = "1.2.840.10008.1.2.4.81";
    private static final String JPEG_EXTENDED = "1.2.840.10008.1.2.4.51";

    /**
     * One way of compressing a radiograph, and how its twin is made: for a lossless one, the twin is the
     * uncompressed original; for a lossy one, dcmtk's own decode of the compressed file (the values the node's
     * child decoder should hand the model). The storescu option proposes that transfer syntax: storescu proposes
     * only uncompressed ones by default, and would otherwise try to convert the file.
     */
    private record Variant(String name, String transferSyntax, List<String> encoder, List<String> twinDecoder,
                           String proposal) {
        boolean lossy() {
            return twinDecoder != null;
        }
    }

    private static final List<Variant> VARIANTS = List.of(
            new Variant("dcmtk JPEG-LS lossless", JPEG_LS_LOSSLESS, List.of("dcmcjpls"), null, "-xt"),
            new Variant("dcmtk JPEG-LS near-lossless", JPEG_LS_NEAR_LOSSLESS, List.of("dcmcjpls", "+en"),
                    List.of("dcmdjpls"), "-xu"),
            // the synthetic radiographs store 12 bits: the Bits Stored > 8 case that the Java decoder refuses
            new Variant("dcmtk 12-bit JPEG Extended", JPEG_EXTENDED, List.of("dcmcjpeg", "+ee"), List.of("dcmdjpeg"),
                    "-xx"),
            new Variant("GDCM JPEG-LS lossless", JPEG_LS_LOSSLESS, List.of("gdcmconv", "--jpegls"), null, "-xt"),
            // "-e 2", not "--allowed-error 2": gdcmconv 3.0.21 ignores the long form and writes NEAR=0 (lossless
            // values) under the near-lossless transfer syntax
            new Variant("GDCM JPEG-LS near-lossless", JPEG_LS_NEAR_LOSSLESS,
                    List.of("gdcmconv", "--jpegls", "--lossy", "-e", "2"), List.of("dcmdjpls"), "-xu"));

    private static final List<String> MALFORMATIONS = List.of("truncated", "corrupted", "lying-length", "lying-size");

    // One PACS and one node for both tests, started once: the run stays short.
    @TempDir
    static Path temp;

    private static OrthancProcess orthanc;
    private static NodeProcess node;

    @BeforeAll
    static void startThePacsAndTheNode() throws Exception {
        orthanc = new OrthancProcess(temp.resolve("orthanc")).start();
        node = new NodeProcess(temp.resolve("node"))
                .with("osteonode.pacs.host", "localhost")
                .with("osteonode.pacs.port", Integer.toString(orthanc.dicomPort()))
                .with("osteonode.pacs.ae-title", OrthancProcess.AE_TITLE)
                .with("osteonode.study.stable-seconds", "2")
                .start();
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (node != null) {
                node.close();
            }
        } finally {
            if (orthanc != null) {
                orthanc.close();
            }
        }
    }

    @Test
    void everyCompressedRadiographIsReportedAndScoredExactlyAsItsUncompressedTwin() throws Exception {
        ReferencePseudonyms pseudonyms = node.pseudonymizer();
        Map<Variant, Instance> compressed = new LinkedHashMap<>();
        Map<Variant, Instance> twins = new LinkedHashMap<>();
        for (int i = 0; i < VARIANTS.size(); i++) {
            Variant variant = VARIANTS.get(i);
            Path dir = Files.createDirectories(temp.resolve("variant-" + i));
            // its own patient and study; another instance number, so another pixel pattern and another score
            Path original = SyntheticDicom.radiograph().patient("MRN-CR-" + i, "COMPRESSED^VARIANT^" + i)
                    .instance(i + 1).write(dir.resolve("original.dcm"));
            Path encoded = dir.resolve("encoded.dcm");
            run(concat(variant.encoder(), original, encoded));
            Instance image = Instance.read(encoded);
            assertThat(image.transferSyntax()).as(variant.name()).isEqualTo(variant.transferSyntax());
            assertThat(image.lossyImageCompression()).as(variant.name()).isEqualTo(variant.lossy() ? "01" : "00");

            Path twin = dir.resolve("twin.dcm");
            if (variant.lossy()) {
                run(concat(variant.twinDecoder(), encoded, twin));
                // the encoder really lost something: the equal scores below are of the decoded values, not the
                // original's
                assertThat(pixels(twin)).as(variant.name() + " decoded against the original")
                        .isNotEqualTo(pixels(original));
            } else {
                Files.copy(original, twin);
            }
            run(List.of("dcmodify", "-nb", "-m", "(0020,000d)=" + SyntheticDicom.newUid(),
                    "-m", "(0020,000e)=" + SyntheticDicom.newUid(), "-m", "(0008,0018)=" + SyntheticDicom.newUid(),
                    twin.toString()));
            Instance twinImage = Instance.read(twin);
            assertThat(twinImage.transferSyntax()).as(variant.name() + " twin")
                    .isIn("1.2.840.10008.1.2.1", "1.2.840.10008.1.2");
            assertThat(twinImage.study()).isNotEqualTo(image.study());
            compressed.put(variant, image);
            twins.put(variant, twinImage);
        }

        // One association per proposed compressed transfer syntax, each file sent in its own transfer syntax.
        Map<String, List<Variant>> byProposal = VARIANTS.stream()
                .collect(Collectors.groupingBy(Variant::proposal, LinkedHashMap::new, Collectors.toList()));
        for (Map.Entry<String, List<Variant>> group : byProposal.entrySet()) {
            List<Path> files = new ArrayList<>();
            group.getValue().forEach(v -> files.add(compressed.get(v).file()));
            group.getValue().forEach(v -> files.add(twins.get(v).file()));
            sendUnconverted(files, group.getKey());
        }

        List<Instance> all = new ArrayList<>(compressed.values());
        all.addAll(twins.values());
        Poll.until(Duration.ofSeconds(120), "a report in Orthanc for each of the 10 studies",
                () -> reportedStudies().keySet().containsAll(all.stream().map(Instance::study).toList()));
        Poll.until(Duration.ofSeconds(30), "the outbox to record the 10 sent",
                () -> node.count("select count(*) from outbox where state = 'sent' and item_key in ("
                        + all.stream().map(i -> "'sr:" + pseudonyms.uid(i.study()) + ":1'")
                        .collect(Collectors.joining(",")) + ")") == all.size());
        Map<String, Long> reports = reportedStudies();
        for (Instance instance : all) {
            assertThat(reports.get(instance.study())).as("reports in the study of " + instance.file()).isEqualTo(1L);
        }

        // Equal scores to the last bit: the model saw the same pixel values, so the child decode (and, for the
        // lossless ones, the encoders' round trip) gave exactly what the uncompressed path reads.
        for (Variant variant : VARIANTS) {
            Double score = score(pseudonyms.uid(compressed.get(variant).sopInstance()));
            Double twinScore = score(pseudonyms.uid(twins.get(variant).sopInstance()));
            assertThat(score).as(variant.name() + " scored").isNotNull();
            assertThat(score).as(variant.name() + " against its twin").isEqualTo(twinScore);
        }
        // five pixel patterns, five scores: the equalities above are not of one constant the model always gives
        assertThat(VARIANTS.stream().map(v -> score(pseudonyms.uid(compressed.get(v).sopInstance()))).distinct()
                .count()).isEqualTo(VARIANTS.size());

        assertThat(node.metrics()).contains("osteonode_clinical_scored_total 10.0");
        assertThat(node.count("select count(*) from image_skip where study_key in ("
                + all.stream().map(i -> "'" + pseudonyms.uid(i.study()) + "'").collect(Collectors.joining(","))
                + ")")).as("images of these studies skipped (decode-failed, no-decoder...)").isZero();
        for (Instance instance : all) {
            assertThat(node.log()).doesNotContain("event=study.unscored study=" + pseudonyms.uid(instance.study()));
        }
    }

    @Test
    void aMalformedJpegLsImageIsStoredAndArchivedButAnnouncedUnscoredWithNoReportAndNoFileLeft() throws Exception {
        ReferencePseudonyms pseudonyms = node.pseudonymizer();
        String study = SyntheticDicom.newUid();
        List<Path> malformed = new ArrayList<>();
        for (int i = 0; i < MALFORMATIONS.size(); i++) {
            String kind = MALFORMATIONS.get(i);
            Path plain = SyntheticDicom.radiograph().patient("MRN-CR-BAD", "MALFORMED^JPEGLS").study(study)
                    .instance(i + 1).write(temp.resolve("malformed").resolve(kind + "-plain.dcm"));
            Path valid = temp.resolve("malformed").resolve(kind + "-valid.dcm");
            run(List.of("dcmcjpls", plain.toString(), valid.toString()));
            Path damaged = temp.resolve("malformed").resolve(kind + ".dcm");
            run(List.of("/usr/bin/python3", "src/test/pixels/malformed_jpegls.py", valid.toString(), damaged.toString(),
                    kind));
            assertThat(Instance.read(damaged).transferSyntax()).as(kind).isEqualTo(JPEG_LS_LOSSLESS);
            malformed.add(damaged);
        }
        String studyKey = pseudonyms.uid(study);

        sendUnconverted(malformed, "-xt");

        Poll.until(Duration.ofSeconds(60), "the study announced unscored",
                () -> node.log().contains("event=study.unscored study=" + studyKey));
        List<String> unscored = node.log().lines().filter(l -> l.contains("event=study.unscored study=" + studyKey))
                .toList();
        assertThat(unscored).as("announced once").hasSize(1);
        assertThat(unscored.get(0)).contains("skipped=4").contains("skipped_reasons=decode-failed:4");
        // the other test's images all decode, so every failure counted is one of these four
        assertThat(node.log().lines().filter(l -> l.contains("event=clinical.decode-failed")).count()).isEqualTo(4);
        assertThat(node.log()).doesNotContain("\tat org.osteonode.pixels");
        assertThat(node.metrics()).contains("osteonode_clinical_skipped_total{reason=\"decode-failed\"} 4.0");
        assertThat(node.health().statusCode()).isEqualTo(200);

        // The research path does not need the pixels decoded: all four are archived, de-identified.
        Poll.until(Duration.ofSeconds(30), "the four labelled for research",
                () -> node.count("select count(*) from image_label where study_key = '" + studyKey + "'") == 4);
        try (var files = Files.walk(node.dataDir().resolve("archive"))) {
            assertThat(files.filter(p -> p.toString().endsWith(".dcm"))
                    .filter(p -> p.getParent().getParent().getFileName().toString().equals(studyKey)).count())
                    .isEqualTo(4);
        }
        Poll.until(Duration.ofSeconds(30), "the spool released", () -> node.spoolObjects().isEmpty());

        // the unscored announcement is made where the report would have been queued: none was, none is sent
        assertThat(node.count("select count(*) from outbox where item_key like 'sr:" + studyKey + ":%'")).isZero();
        assertThat(orthanc.structuredReports().stream().map(r -> value(r, TagFromName.StudyInstanceUID)))
                .doesNotContain(study);

        Path decoding = node.dataDir().resolve("decoding");
        if (Files.exists(decoding)) {
            try (var left = Files.walk(decoding)) {
                assertThat(left.filter(p -> !p.equals(decoding)).toList()).as("left in data-dir/decoding").isEmpty();
            }
        }
    }

    /** What the tests need of a file they made: its transfer syntax and UIDs, read from the file itself. */
    private record Instance(Path file, String transferSyntax, String study, String sopInstance,
                            String lossyImageCompression) {
        static Instance read(Path file) throws Exception {
            AttributeList list = new AttributeList();
            // up to the pixel data: PixelMed has no JPEG-LS reader, and these need none
            list.read(file.toString(), TagFromName.PixelData);
            return new Instance(file, value(list, TagFromName.TransferSyntaxUID),
                    value(list, TagFromName.StudyInstanceUID), value(list, TagFromName.SOPInstanceUID),
                    value(list, TagFromName.LossyImageCompression));
        }
    }

    /**
     * storescu converts a file whose transfer syntax was not accepted; its verbose log names each conversion
     * ("Converting transfer syntax: JPEG-LS Lossless -> JPEG-LS Lossless"), so a real one would show here.
     */
    private void sendUnconverted(List<Path> files, String proposal) throws Exception {
        Dcmtk.Result sent = Dcmtk.storescu(node.dicomPort(), "STORESCU", files, proposal);
        assertThat(sent.successes()).as(sent.output()).isEqualTo(files.size());
        List<String> conversions = sent.output().lines().filter(l -> l.contains("Converting transfer syntax: "))
                .map(l -> l.substring(l.indexOf("Converting transfer syntax: ") + 28)).toList();
        assertThat(conversions).as(sent.output()).hasSize(files.size())
                .allSatisfy(c -> assertThat(c.split(" -> ")[0]).isEqualTo(c.split(" -> ")[1]));
    }

    private Map<String, Long> reportedStudies() throws Exception {
        return orthanc.structuredReports().stream()
                .collect(Collectors.groupingBy(r -> value(r, TagFromName.StudyInstanceUID), Collectors.counting()));
    }

    /** The image's score in the node's image_score table, null if it was not scored. */
    private Double score(String sopInstanceKey) {
        try (var connection = node.database(); var rows = connection.createStatement()
                .executeQuery("select score from image_score where sop_instance_key = '" + sopInstanceKey + "'")) {
            return rows.next() ? rows.getDouble(1) : null;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static short[] pixels(Path uncompressed) throws Exception {
        AttributeList list = new AttributeList();
        list.read(uncompressed.toString());
        return list.get(TagFromName.PixelData).getShortValues();
    }

    private static List<String> concat(List<String> command, Path in, Path out) {
        List<String> all = new ArrayList<>(command);
        all.add(in.toString());
        all.add(out.toString());
        return all;
    }

    private static void run(List<String> command) throws Exception {
        Dcmtk.Result result = Dcmtk.run(command);
        assertThat(result.exitCode()).as(String.join(" ", command) + "\n" + result.output()).isZero();
    }

    private static String value(AttributeList list, com.pixelmed.dicom.AttributeTag tag) {
        return Attribute.getSingleStringValueOrEmptyString(list, tag).trim();
    }
}

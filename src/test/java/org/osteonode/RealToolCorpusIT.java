package org.osteonode;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.DicomInputStream;
import com.pixelmed.dicom.TagFromName;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osteonode.testing.Dcmtk;
import org.osteonode.testing.NodeProcess;
import org.osteonode.testing.PlantedPhi;
import org.osteonode.testing.Poll;
import org.osteonode.testing.ReferencePseudonyms;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Objects written by other tools (src/test/corpus: pydicom, dcmtk, GDCM; 18 SOP Classes, 10 character sets, 9
 * transfer syntaxes, UN sequences, vendor private sequences, duplicates) through {@code bin/osteonode deid} and
 * through the node: no planted identifier or original UID in any output byte, no dciodvfy error added, nothing
 * lost, and the same tree twice.
 */
class RealToolCorpusIT {
    /** Byte patterns shorter than this are found by chance in pixel data and UIDs; longer ones are not. */
    private static final int SHORTEST_PATTERN = 4;

    /** storescu's option that proposes exactly one transfer syntax. */
    private static final Map<String, String> STORESCU_PROPOSAL = Map.ofEntries(
            Map.entry("1.2.840.10008.1.2", "-xi"), Map.entry("1.2.840.10008.1.2.1", "-xe"),
            Map.entry("1.2.840.10008.1.2.2", "-xb"), Map.entry("1.2.840.10008.1.2.1.99", "-xd"),
            Map.entry("1.2.840.10008.1.2.4.50", "-xy"), Map.entry("1.2.840.10008.1.2.4.70", "-xs"),
            Map.entry("1.2.840.10008.1.2.4.57", "-xs"), Map.entry("1.2.840.10008.1.2.4.80", "-xt"),
            Map.entry("1.2.840.10008.1.2.4.90", "-xv"), Map.entry("1.2.840.10008.1.2.4.91", "-xw"),
            Map.entry("1.2.840.10008.1.2.5", "-xr"));

    @TempDir
    static Path corpusDir;

    private static Path corpus;
    private static List<JsonNode> manifest;

    @TempDir
    Path temp;

    @BeforeAll
    static void makeCorpus() throws Exception {
        corpus = corpusDir.resolve("corpus");
        Dcmtk.Result made = Dcmtk.run(List.of("python3", "src/test/corpus/make_real_tool_corpus.py", corpus.toString()));
        assertThat(made.exitCode()).as(made.output()).isZero();
        manifest = new ArrayList<>();
        new ObjectMapper().readTree(corpus.resolve("manifest.json").toFile()).forEach(manifest::add);
        for (JsonNode entry : manifest) {
            entry.get("planted").get("strings").forEach(value -> PlantedPhi.add(value.asText()));
            entry.get("planted").get("uids").forEach(uid -> PlantedPhi.add(uid.asText()));
        }
        Files.move(corpus.resolve("manifest.json"), corpusDir.resolve("manifest.json"));
        assertThat(manifest).hasSizeGreaterThanOrEqualTo(40);
        assertThat(manifest.stream().map(e -> e.get("sopClassUid").asText()).distinct()).hasSizeGreaterThanOrEqualTo(12);
        assertThat(manifest.stream().map(e -> e.get("specificCharacterSet").asText()).distinct())
                .hasSizeGreaterThanOrEqualTo(8);
    }

    @Test
    void deidOfTheCorpusLeaksNothingAddsNoValidatorErrorAndWritesTheSameTreeTwice() throws Exception {
        Path dataDir = temp.resolve("data");
        String first = deid(dataDir, temp.resolve("out1"));
        String second = deid(dataDir, temp.resolve("out2"));

        long archive = expected("archive");
        assertThat(first).contains("de-identified into " + temp.resolve("out1") + ": " + (archive + 2))
                .contains("already there, the same object again: 1")
                .contains("duplicate-sop-instance-uid: 1")
                .contains("screen-capture: ")
                .contains("not-an-image: " + expected("not-an-image"));
        assertThat(quarantinedCount(first)).isEqualTo(expected("refuse-burned-in") + 1);
        assertThat(sha256Tree(temp.resolve("out2"))).as("the same tree twice").isEqualTo(sha256Tree(temp.resolve("out1")));
        assertThat(second).contains("de-identified into " + temp.resolve("out2") + ": " + (archive + 2));
        assertThat(temp.resolve("out1-quarantine/43-dupuid-b-cr-greek.dcm")).as("the second in path order").exists();

        assertThat(leaks(files(temp.resolve("out1")))).as("objects and claims").isEmpty();
        assertThat(addedValidatorErrors(ReferencePseudonyms.fromSecretFile(dataDir.resolve("secret.key")),
                temp.resolve("out1"))).isEmpty();
    }

    @Test
    void throughTheNodeEveryObjectEndsSomewhereAndNothingLeaks() throws Exception {
        List<Path> files = new ArrayList<>();
        for (JsonNode entry : manifest) {
            files.add(corpus.resolve(entry.get("file").asText()));
        }
        try (NodeProcess node = new NodeProcess(temp.resolve("node")).with("osteonode.research.modalities", "*")
                .start()) {
            // One association per transfer syntax, proposing only it: storescu converts nothing.
            Map<String, List<Path>> bySyntax = new TreeMap<>();
            for (JsonNode entry : manifest) {
                bySyntax.computeIfAbsent(entry.get("transferSyntaxUid").asText(), ts -> new ArrayList<>())
                        .add(corpus.resolve(entry.get("file").asText()));
            }
            for (Map.Entry<String, List<Path>> sameSyntax : bySyntax.entrySet()) {
                String proposal = STORESCU_PROPOSAL.get(sameSyntax.getKey());
                assertThat(proposal).as("a storescu option for " + sameSyntax.getKey()).isNotNull();
                Dcmtk.Result sent = Dcmtk.storescu(node.dicomPort(), "STORESCU", sameSyntax.getValue(), "-R", proposal);
                assertThat(sent.successes()).as(sent.output()).isEqualTo(sameSyntax.getValue().size());
            }
            Poll.until(Duration.ofSeconds(120), "the spool released", () -> node.spoolObjects().isEmpty());

            Set<String> sopInstances = new LinkedHashSet<>();
            for (Path file : files) {
                sopInstances.add(header(file).get("sop"));
            }
            assertThat(node.count("select count(*) from instance")).as("every SOP Instance indexed once")
                    .isEqualTo(sopInstances.size());
            Path archive = node.dataDir().resolve("archive");
            List<Path> archived = objects(archive);
            // the first of the two objects under one UID, and one copy of the object sent twice
            assertThat(archived).hasSize((int) expected("archive") + 2);
            try (Stream<Path> reasons = Files.list(node.dataDir().resolve("quarantine"))) {
                assertThat(reasons.filter(p -> p.toString().endsWith(".reason")).count()).as("quarantined")
                        .isEqualTo(expected("refuse-burned-in") + 1);
            }
            assertThat(node.count("select count(*) from image_label")).isEqualTo(archived.size());
            assertThat(leaks(archived)).isEmpty();
            assertThat(addedValidatorErrors(node.pseudonymizer(), archive)).isEmpty();
        }
    }

    private long expected(String outcome) {
        return manifest.stream().filter(e -> e.get("expect").asText().equals(outcome)).count();
    }

    private static long quarantinedCount(String summary) {
        for (String line : summary.lines().toList()) {
            if (line.trim().startsWith("quarantined in ")) {
                return Long.parseLong(line.substring(line.lastIndexOf(':') + 1).trim());
            }
        }
        throw new AssertionError("no quarantine line in " + summary);
    }

    /** bin/osteonode deid over the corpus, every modality in scope; its summary. */
    private String deid(Path dataDir, Path out) throws Exception {
        return NodeProcess.command(dataDir, Map.of("osteonode.research.modalities", "*"), "deid", "--in",
                corpus.toString(), "--out", out.toString());
    }

    /**
     * Every planted value or original UID found in the outputs, as "file: value". Each value is looked for as the
     * bytes its file's character set gave it, and in UTF-8 and ISO-8859-1 in its own and in upper case (the
     * descriptor cleaner upper-cases what it keeps); a deflated output is inflated first.
     */
    private List<String> leaks(List<Path> outputs) throws IOException {
        Map<String, byte[]> patterns = new TreeMap<>();
        for (JsonNode entry : manifest) {
            JsonNode planted = entry.get("planted");
            for (JsonNode encoded : planted.get("encodedStrings")) {
                byte[] bytes = Base64.getDecoder().decode(encoded.asText());
                patterns.put("as written: " + new String(bytes, StandardCharsets.ISO_8859_1), bytes);
            }
            for (JsonNode text : planted.get("strings")) {
                for (String form : List.of(text.asText(), text.asText().toUpperCase(Locale.ROOT))) {
                    for (Charset charset : List.of(StandardCharsets.UTF_8, StandardCharsets.ISO_8859_1)) {
                        if (charset.newEncoder().canEncode(form)) {
                            patterns.put(charset + ": " + form, form.getBytes(charset));
                        }
                    }
                }
            }
            for (JsonNode uid : planted.get("uids")) {
                patterns.put("uid: " + uid.asText(), uid.asText().getBytes(StandardCharsets.US_ASCII));
            }
        }
        patterns.values().removeIf(bytes -> bytes.length < SHORTEST_PATTERN);
        List<String> found = new ArrayList<>();
        for (Path output : outputs) {
            byte[] bytes = readable(output);
            patterns.forEach((name, pattern) -> {
                if (indexOf(bytes, pattern) >= 0) {
                    found.add(output.getFileName() + ": " + name);
                }
            });
        }
        return found;
    }

    /** The file's bytes, with a deflated data set inflated after its File Meta Information. */
    private static byte[] readable(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        if (!new String(bytes, 0, Math.min(bytes.length, 1024), StandardCharsets.ISO_8859_1).contains("1.2.840.10008.1.2.1.99")) {
            return bytes;
        }
        int metaEnd = fileMetaEnd(bytes);
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        all.write(bytes, 0, metaEnd);
        try (InflaterInputStream in = new InflaterInputStream(new ByteArrayInputStream(bytes, metaEnd, bytes.length - metaEnd),
                new Inflater(true))) {
            in.transferTo(all);
        }
        return all.toByteArray();
    }

    /** After the preamble, "DICM" and the group 0002 elements, whose length (0002,0000) gives. */
    private static int fileMetaEnd(byte[] bytes) {
        int groupLength = (bytes[140] & 0xFF) | (bytes[141] & 0xFF) << 8 | (bytes[142] & 0xFF) << 16 | (bytes[143] & 0xFF) << 24;
        return 144 + groupLength;
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /**
     * dciodvfy's errors on each archived object against those on its original, as "file: +N (error text)" for each
     * object with more errors than its original. Deflated files are inflated with dcmconv first: dciodvfy reads
     * no deflate.
     */
    private List<String> addedValidatorErrors(ReferencePseudonyms pseudonyms, Path archive) throws Exception {
        Map<String, Path> originals = new TreeMap<>();
        for (JsonNode entry : manifest) {
            Path file = corpus.resolve(entry.get("file").asText());
            originals.putIfAbsent(pseudonyms.uid(header(file).get("sop")) + ".dcm", file);
        }
        List<String> added = new ArrayList<>();
        for (Path output : objects(archive)) {
            Path original = originals.get(output.getFileName().toString());
            assertThat(original).as("the original of " + output.getFileName()).isNotNull();
            List<String> before = validatorErrors(original);
            List<String> after = validatorErrors(output);
            if (after.size() > before.size()) {
                List<String> more = new ArrayList<>(after);
                before.forEach(more::remove);
                added.add(original.getFileName() + ": +" + (after.size() - before.size()) + " " + more);
            }
        }
        return added;
    }

    private List<String> validatorErrors(Path file) throws Exception {
        Path readable = file;
        if (Files.readString(file, StandardCharsets.ISO_8859_1).substring(0, 1024).contains("1.2.840.10008.1.2.1.99")) {
            readable = Files.createTempFile(temp, "inflated", ".dcm");
            Dcmtk.Result converted = Dcmtk.run(List.of("dcmconv", "+te", file.toString(), readable.toString()));
            assertThat(converted.exitCode()).as(converted.output()).isZero();
        }
        Dcmtk.Result result = Dcmtk.run(List.of("dciodvfy", readable.toString()));
        return result.output().lines().filter(line -> line.startsWith("Error")).map(String::trim).toList();
    }

    /** SOP Instance UID and Transfer Syntax of a file, from its header (pixel data not read). */
    private static Map<String, String> header(Path file) throws IOException, com.pixelmed.dicom.DicomException {
        AttributeList list = new AttributeList();
        try (DicomInputStream in = new DicomInputStream(file.toFile())) {
            list.read(in, TagFromName.PixelData);
        }
        return Map.of("sop", Attribute.getSingleStringValueOrEmptyString(list, TagFromName.SOPInstanceUID).trim());
    }

    private static List<Path> files(Path root) throws IOException {
        try (Stream<Path> all = Files.walk(root)) {
            return all.filter(Files::isRegularFile).sorted().toList();
        }
    }

    /** The archived objects, without the archive's claims. */
    private static List<Path> objects(Path archive) throws IOException {
        return files(archive).stream().filter(p -> !archive.relativize(p).startsWith(org.osteonode.store.Archive.CLAIMS))
                .toList();
    }

    private static Map<String, String> sha256Tree(Path root) throws Exception {
        Map<String, String> tree = new TreeMap<>();
        for (Path file : files(root)) {
            tree.put(root.relativize(file).toString(),
                    HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file))));
        }
        return tree;
    }
}

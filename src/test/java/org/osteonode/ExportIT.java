package org.osteonode;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osteonode.testing.Dcmtk;
import org.osteonode.testing.NodeProcess;
import org.osteonode.testing.PhiScanner;
import org.osteonode.testing.Poll;
import org.osteonode.testing.SyntheticDicom;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** bin/osteonode export against a node that received a corpus: what a data steward gets, and what never. */
class ExportIT {
    @TempDir
    Path temp;

    private final List<String> planted = new ArrayList<>();

    @Test
    void aFilteredExportHasExactlyTheRowsAsksSplitsByPatientStablyAndCarriesNoIdentifiers() throws Exception {
        Path dataDir = temp.resolve("node");
        List<Path> first = corpus("first", 0, 8);
        try (NodeProcess node = new NodeProcess(dataDir).start()) {
            send(node, first, 16);

            Path one = temp.resolve("export1");
            String output = export(dataDir, one, "--body-part", "LSPINE", "--body-part", "HIP", "--min-age", "50",
                    "--seed", "7");
            List<Map<String, String>> rows = labels(one);
            long expected = node.count("select count(*) from image_label where body_part in ('LSPINE', 'HIP') "
                    + "and age_years >= 50");
            assertThat(rows).hasSize((int) expected).isNotEmpty();
            assertThat(rows).allMatch(r -> List.of("LSPINE", "HIP").contains(r.get("body_part"))
                    && Integer.parseInt(r.get("age_years")) >= 50);
            assertThat(output).contains(expected + " images");
            assertPatientDisjoint(rows);
            assertSumsHold(one);
            assertThat(PhiScanner.leaks(files(one), planted)).isEmpty();
            JsonNode sheet = new ObjectMapper().readTree(one.resolve("dataset.json").toFile());
            assertThat(sheet.at("/counts/images").asInt()).isEqualTo(rows.size());
            assertThat(sheet.at("/reidentification_risk/k").asInt()).isPositive();
            assertThat(sheet.at("/labels_csv_sha256").asText()).isEqualTo(sha256(one.resolve("labels.csv")));

            // the example of docs/export.md: a PyTorch Dataset over the export, one epoch over the training split
            Dcmtk.Result epoch = Dcmtk.run(List.of("/usr/bin/python3", "src/test/export/load_with_pytorch.py",
                    one.toString()));
            assertThat(epoch.exitCode()).as(epoch.output()).isZero();
            assertThat(epoch.output()).contains("one epoch: " + rows.stream().filter(r -> r.get("split").equals("train"))
                    .count() + " images");

            // the same seed again: the same set
            Path two = temp.resolve("export2");
            export(dataDir, two, "--body-part", "LSPINE", "--body-part", "HIP", "--min-age", "50", "--seed", "7");
            assertThat(two.resolve("labels.csv")).hasSameTextualContentAs(one.resolve("labels.csv"));
            assertThat(two.resolve("SHA256SUMS")).hasSameTextualContentAs(one.resolve("SHA256SUMS"));

            // more data: the patients already exported keep their split
            send(node, corpus("more", 8, 14), 28);
            Path three = temp.resolve("export3");
            export(dataDir, three, "--body-part", "LSPINE", "--body-part", "HIP", "--min-age", "50", "--seed", "7");
            Map<String, String> before = splitsByPatient(rows);
            Map<String, String> after = splitsByPatient(labels(three));
            assertThat(after.size()).isGreaterThan(before.size());
            before.forEach((patient, split) -> assertThat(after.get(patient)).as(patient).isEqualTo(split));

            // PNG, 16 bits, 64 x 64: each pixel is the model's input, before normalisation, to the nearest level
            Path png = temp.resolve("png");
            export(dataDir, png, "--format", "png", "--bits", "16", "--size", "64", "--body-part", "LSPINE",
                    "--seed", "7");
            List<Map<String, String>> pngRows = labels(png);
            assertThat(pngRows).isNotEmpty().allMatch(r -> r.get("path").endsWith(".png"));
            for (Map<String, String> row : pngRows.subList(0, 2)) {
                Path archived = dataDir.resolve("archive").resolve(row.get("patient_key")).resolve(row.get("study_key"))
                        .resolve(row.get("series_key")).resolve(row.get("sop_instance_key") + ".dcm");
                float[] model = new org.osteonode.pixels.Preprocessor(
                        org.osteonode.pixels.InputSpec.grayscale(64, 64, 0, 1)).tensor(archived);
                int[] rendered = javax.imageio.ImageIO.read(png.resolve(row.get("path")).toFile()).getRaster()
                        .getPixels(0, 0, 64, 64, (int[]) null);
                for (int i = 0; i < model.length; i++) {
                    assertThat(rendered[i]).as("pixel " + i).isEqualTo(Math.round(model[i] * 65535));
                }
            }
            assertSumsHold(png);

            // WebDataset-style shards: GNU tar reads them, a member is the archived object byte for byte beside its
            // labels, and a lost shard is written again by --resume
            Path sharded = temp.resolve("sharded");
            export(dataDir, sharded, "--shards", "2", "--seed", "7");
            List<Map<String, String>> shardRows = labels(sharded);
            assertThat(shardRows).isNotEmpty()
                    .allMatch(r -> r.get("path").matches("shards/(train|val|test)-0000[01]\\.tar#[0-9_]+\\.dcm"));
            assertSumsHold(sharded);
            Map<String, String> member = shardRows.get(0);
            String[] tarAndName = member.get("path").split("#");
            Path unpacked = Files.createDirectories(temp.resolve("unpacked"));
            Dcmtk.Result listed = Dcmtk.run(List.of("tar", "-tf", sharded.resolve(tarAndName[0]).toString()));
            assertThat(listed.exitCode()).as(listed.output()).isZero();
            assertThat(listed.output()).contains(tarAndName[1])
                    .contains(tarAndName[1].replace(".dcm", ".json"));
            Dcmtk.Result extracted = Dcmtk.run(List.of("tar", "-xf", sharded.resolve(tarAndName[0]).toString(), "-C",
                    unpacked.toString(), tarAndName[1], tarAndName[1].replace(".dcm", ".json")));
            assertThat(extracted.exitCode()).as(extracted.output()).isZero();
            assertThat(Files.readAllBytes(unpacked.resolve(tarAndName[1]))).isEqualTo(Files.readAllBytes(
                    dataDir.resolve("archive").resolve(member.get("patient_key")).resolve(member.get("study_key"))
                            .resolve(member.get("series_key")).resolve(member.get("sop_instance_key") + ".dcm")));
            assertThat(new ObjectMapper().readTree(unpacked.resolve(tarAndName[1].replace(".dcm", ".json")).toFile())
                    .get("sop_instance_key").asText()).isEqualTo(member.get("sop_instance_key"));
            Map<String, String> whole = tree(sharded);
            Files.delete(sharded.resolve(tarAndName[0]));
            Files.delete(sharded.resolve("labels.csv"));
            export(dataDir, sharded, "--resume", "--shards", "2", "--seed", "7");
            assertThat(tree(sharded)).isEqualTo(whole);

            // an existing export is never overwritten unasked; --force replaces it, and only its own files
            assertThat(exitCode(dataDir, "export", "--out", one.toString())).isEqualTo(2);
            Files.writeString(one.resolve("notes.txt"), "the steward's own file");
            export(dataDir, one, "--force", "--body-part", "HIP", "--seed", "7");
            assertThat(labels(one)).isNotEmpty().allMatch(r -> r.get("body_part").equals("HIP"));
            assertThat(files(one.resolve("images"))).hasSize(labels(one).size());
            assertThat(one.resolve("notes.txt")).hasContent("the steward's own file");

            // interrupted: half the images, a half-written one, no labels: --resume finishes it as if whole
            Path resumed = temp.resolve("export4");
            export(dataDir, resumed, "--body-part", "LSPINE", "--body-part", "HIP", "--min-age", "50", "--seed", "7");
            List<Path> images = files(resumed.resolve("images"));
            for (int i = 0; i < images.size(); i += 2) {
                Files.delete(images.get(i));
            }
            Files.writeString(images.get(0).resolveSibling(images.get(0).getFileName() + ".part"), "half");
            Files.delete(resumed.resolve("labels.csv"));
            Files.delete(resumed.resolve("SHA256SUMS"));
            export(dataDir, resumed, "--resume", "--body-part", "LSPINE", "--body-part", "HIP", "--min-age", "50",
                    "--seed", "7");
            assertThat(tree(resumed)).isEqualTo(tree(three));

            // a patient who opted out is not exported again
            String leaving = rows.get(0).get("patient_key");
            Path ids = temp.resolve("ids.txt");
            Files.writeString(ids, patientIdOf(node, leaving) + "\n");
            NodeProcess.command(dataDir, "research", "opt-out", "--patient-ids", ids.toString());
            Path five = temp.resolve("export5");
            export(dataDir, five, "--seed", "7");
            assertThat(labels(five)).noneMatch(r -> r.get("patient_key").equals(leaving)).isNotEmpty();

            assertThat(NodeProcess.command(dataDir, "export", "--list").lines().filter(l -> l.contains(" datasheet ")).count())
                    .as("ten exports, dry runs not").isEqualTo(10);
        }
        // the node stopped: the command starts the database itself
        Path six = temp.resolve("export6");
        export(dataDir, six, "--dry-run");
        assertThat(six).doesNotExist();
    }

    /** Images of patients 'from' to 'to': two each, alternately spine and hip (and a chest for every third). */
    /** The archive keeps a JPEG-LS object as it arrived; its PNG is decoded by dcmtk in a child process. */
    @Test
    void aJpegLsRadiographRendersToThePngOfItsUncompressedOriginal() throws Exception {
        Path dataDir = temp.resolve("node");
        planted.addAll(List.of("PID-EXP-LS", "QUIXEXPORT^JPEGLS"));
        Path original = SyntheticDicom.radiograph().patient("PID-EXP-LS", "QUIXEXPORT^JPEGLS").bodyPart("LSPINE")
                .size(64, 64).write(temp.resolve("ls/original.dcm"));
        Path jpegLs = temp.resolve("ls/jpeg-ls.dcm");
        Dcmtk.Result encoded = Dcmtk.run(List.of("dcmcjpls", original.toString(), jpegLs.toString()));
        assertThat(encoded.exitCode()).as(encoded.output()).isZero();
        try (NodeProcess node = new NodeProcess(dataDir).start()) {
            // -xt: storescu proposes JPEG-LS Lossless, the file's transfer syntax
            assertThat(Dcmtk.storescu(node.dicomPort(), "STORESCU", List.of(jpegLs), "-xt").successes()).isEqualTo(1);
            Poll.until(Duration.ofSeconds(60), "labelled", () -> node.count("select count(*) from image_label") == 1);
        }

        Path png = temp.resolve("png");
        export(dataDir, png, "--format", "png", "--bits", "16", "--size", "64");

        List<Map<String, String>> rows = labels(png);
        assertThat(rows).hasSize(1);
        float[] model = new org.osteonode.pixels.Preprocessor(org.osteonode.pixels.InputSpec.grayscale(64, 64, 0, 1))
                .tensor(original);
        int[] rendered = javax.imageio.ImageIO.read(png.resolve(rows.get(0).get("path")).toFile()).getRaster()
                .getPixels(0, 0, 64, 64, (int[]) null);
        for (int i = 0; i < model.length; i++) {
            assertThat(rendered[i]).as("pixel " + i).isEqualTo(Math.round(model[i] * 65535));
        }
        assertThat(PhiScanner.leaks(files(png), planted)).isEmpty();
    }

    private List<Path> corpus(String name, int from, int to) throws Exception {
        List<Path> files = new ArrayList<>();
        for (int p = from; p < to; p++) {
            String id = "PID-EXP-" + p;
            String patientName = "QUIXEXPORT^PATIENT" + p;
            planted.add(id);
            planted.add(patientName);
            String born = p % 4 == 0 ? "19900101" : "19450101"; // 36 or 81 years old
            String sex = p % 2 == 0 ? "F" : "M";
            String study = SyntheticDicom.newUid();
            planted.add(study);
            files.add(SyntheticDicom.radiograph().patient(id, patientName).born(born, sex).study(study).instance(1)
                    .bodyPart(p % 2 == 0 ? "LSPINE" : "HIP").size(64, 64).write(temp.resolve(name + "/" + p + "a.dcm")));
            files.add(SyntheticDicom.radiograph().patient(id, patientName).born(born, sex).study(study).instance(2)
                    .bodyPart(p % 3 == 0 ? "CHEST" : "LSPINE").size(64, 64).write(temp.resolve(name + "/" + p + "b.dcm")));
        }
        return files;
    }

    private static void send(NodeProcess node, List<Path> files, int labelledInAll) throws Exception {
        assertThat(Dcmtk.storescu(node.dicomPort(), "STORESCU", files).successes()).isEqualTo(files.size());
        Poll.until(Duration.ofSeconds(60), labelledInAll + " labelled",
                () -> node.count("select count(*) from image_label") == labelledInAll);
    }

    private static String export(Path dataDir, Path out, String... filters) throws Exception {
        List<String> arguments = new ArrayList<>(List.of("export", "--out", out.toString()));
        arguments.addAll(List.of(filters));
        return NodeProcess.command(dataDir, arguments.toArray(String[]::new));
    }

    private static int exitCode(Path dataDir, String... arguments) throws Exception {
        return NodeProcess.run(dataDir, Map.of(), arguments).exitCode();
    }

    /** The Patient ID whose keyed pseudonym is {@code key}, from the corpus's IDs. */
    private String patientIdOf(NodeProcess node, String key) throws Exception {
        for (String value : planted) {
            if (value.startsWith("PID-EXP-") && node.pseudonymizer().patient("", value).equals(key)) {
                return value;
            }
        }
        throw new AssertionError("no corpus patient has the key " + key);
    }

    private static List<Map<String, String>> labels(Path export) throws Exception {
        List<String> lines = Files.readAllLines(export.resolve("labels.csv"));
        String[] header = lines.get(0).split(",", -1);
        List<Map<String, String>> rows = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] fields = line.split(",", -1); // the corpus has no quoted fields
            Map<String, String> row = new HashMap<>();
            for (int i = 0; i < header.length; i++) {
                row.put(header[i], fields[i]);
            }
            rows.add(row);
        }
        return rows;
    }

    private static Map<String, String> splitsByPatient(List<Map<String, String>> rows) {
        Map<String, String> splits = new HashMap<>();
        for (Map<String, String> row : rows) {
            splits.put(row.get("patient_key"), row.get("split"));
        }
        return splits;
    }

    private static void assertPatientDisjoint(List<Map<String, String>> rows) {
        Map<String, String> seen = new HashMap<>();
        for (Map<String, String> row : rows) {
            String earlier = seen.putIfAbsent(row.get("patient_key"), row.get("split"));
            assertThat(earlier == null || earlier.equals(row.get("split"))).as("patient in one split").isTrue();
        }
    }

    private static void assertSumsHold(Path export) throws Exception {
        for (String line : Files.readAllLines(export.resolve("SHA256SUMS"))) {
            String[] sumAndPath = line.split("  ", 2);
            assertThat(sha256(export.resolve(sumAndPath[1]))).as(sumAndPath[1]).isEqualTo(sumAndPath[0]);
        }
    }

    /** Every file but the datasheet (it says when it was made), with its SHA-256. */
    private static Map<String, String> tree(Path root) throws Exception {
        Map<String, String> tree = new TreeMap<>();
        for (Path file : files(root)) {
            if (!file.getFileName().toString().equals("dataset.json")) {
                tree.put(root.relativize(file).toString(), sha256(file));
            }
        }
        return tree;
    }

    private static List<Path> files(Path root) throws Exception {
        try (Stream<Path> all = Files.walk(root)) {
            return all.filter(Files::isRegularFile).sorted().toList();
        }
    }

    private static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }
}

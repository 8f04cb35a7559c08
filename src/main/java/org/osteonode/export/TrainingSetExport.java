package org.osteonode.export;

import org.osteonode.labels.ProxyLabels;
import org.osteonode.pixels.InputSpec;
import org.osteonode.pixels.MonochromeFrame;
import org.osteonode.pixels.PixelDataDecoder;
import org.osteonode.pixels.PixelDataException;
import org.osteonode.pixels.Preprocessor;
import org.osteonode.store.Archive;

import javax.imageio.ImageIO;

import java.io.IOException;
import java.io.InputStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import java.util.stream.Stream;

/**
 * Writes a training set: each selected image from the de-identified archive to {@code images/<patient>/<SOP
 * instance>.dcm} (a hard link when the archive is on the same file system, else a copy; under a temporary name
 * renamed when whole), then {@code labels.csv} and {@code SHA256SUMS}. Reads nothing but the archive.
 * Resuming keeps the images already in place, so that an interrupted export finishes as if it had not been.
 */
public final class TrainingSetExport {
    static final String PART = ".part";
    public static final List<String> COLUMNS = List.of("path", "patient_key", "study_key", "series_key",
            "sop_instance_key", "split", "body_part", "age_years", "age_band", "sex", "modality", "view_position",
            "laterality", "manufacturer", "model", "rows", "columns", "pixel_spacing_row_mm",
            "pixel_spacing_column_mm", "study_date_shifted", "dxa_days", "dxa_site", "dxa_t_score", "who_label");

    /**
     * What each image becomes: the de-identified DICOM object itself, or a PNG of 8 or 16 bits rendered exactly as
     * the model sees it — Modality LUT, VOI window, MONOCHROME1 inverted — at its own size, or letterboxed to
     * {@code size} × {@code size} (0: its own size). With {@code shards} above 0, the images go into that many tar
     * files per split instead of a folder, WebDataset-style.
     */
    public record Format(boolean png, int bits, int size, int shards) {
        public static final Format DICOM = new Format(false, 0, 0, 0);

        public Format {
            if (png && bits != 8 && bits != 16) {
                throw new IllegalArgumentException("PNG bits must be 8 or 16");
            }
            if (size < 0) {
                throw new IllegalArgumentException("size must be at least 1 (or 0 for the image's own)");
            }
            if (shards < 0) {
                throw new IllegalArgumentException("shards must be at least 1 (or 0 for a folder of files)");
            }
        }

        String extension() {
            return png ? ".png" : ".dcm";
        }
    }

    private final Path archive;
    private final Path out;
    private final Splits splits;
    private final Format format;
    private final Map<String, Outcomes.Outcome> outcomes;
    private final PixelDataDecoder decoder;

    /**
     * @param outcomes each image's DXA outcome by SOP Instance key ({@link Outcomes#nearest}); absent: none
     * @param decoder  what renders PNGs: the node's, so that JPEG-LS and 12-bit JPEG render as they are scored
     */
    public TrainingSetExport(Path archive, Path out, Splits splits, Format format,
            Map<String, Outcomes.Outcome> outcomes, PixelDataDecoder decoder) {
        this.decoder = decoder;
        this.archive = archive;
        this.out = out;
        this.splits = splits;
        this.format = format;
        this.outcomes = outcomes;
    }

    /** One exported image: its row, its DXA outcome (null: none within the window), path under the export and split. */
    public record Image(ProxyLabels labels, Outcomes.Outcome outcome, String path, String split, String sha256) {
    }

    /**
     * What was written; {@code leftOut} names the rows that had no file in the archive, or no rendering (a colour
     * or undecodable image for PNG), with why.
     */
    public record Written(List<Image> images, int linked, int copied, int rendered, int kept, List<String> leftOut,
            String labelsSha256) {
    }

    /** Writes every row's image with {@code threads} at once; labels.csv and SHA256SUMS list them in row order. */
    public Written write(List<ProxyLabels> rows, int threads, IntConsumer progress)
            throws IOException, InterruptedException {
        if (format.shards() > 0) {
            return writeShards(rows, threads, progress);
        }
        Files.createDirectories(out.resolve("images"));
        deletePartFiles();
        AtomicInteger done = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<Placed>> placed = new ArrayList<>();
        try {
            for (ProxyLabels row : rows) {
                placed.add(pool.submit(() -> {
                    try {
                        return place(row);
                    } finally {
                        progress.accept(done.incrementAndGet());
                    }
                }));
            }
            List<Image> images = new ArrayList<>();
            List<String> leftOut = new ArrayList<>();
            Map<How, Integer> counts = new EnumMap<>(How.class);
            for (Future<Placed> future : placed) {
                Placed result = get(future);
                if (result.image() == null) {
                    leftOut.add(result.leftOut());
                } else {
                    images.add(result.image());
                    counts.merge(result.how(), 1, Integer::sum);
                }
            }
            writeAtomically(out.resolve("SHA256SUMS"), sums(images));
            String labels = csv(images);
            writeAtomically(out.resolve("labels.csv"), labels);
            return new Written(images, counts.getOrDefault(How.LINKED, 0), counts.getOrDefault(How.COPIED, 0),
                    counts.getOrDefault(How.RENDERED, 0), counts.getOrDefault(How.KEPT, 0), leftOut, sha256(labels));
        } finally {
            pool.shutdownNow();
        }
    }

    private enum How { LINKED, COPIED, RENDERED, KEPT }

    /**
     * The images in {@code shards} tar files per split ({@code shards/<split>-00000.tar}...), each split's rows in
     * order, contiguous: per image a {@code <key>.dcm} or {@code .png} and a {@code <key>.json} of its labels, the
     * key being the SOP Instance key with its dots made underscores (WebDataset takes the name up to the first dot
     * as a sample's key). A shard is written under a temporary name and renamed when whole; resuming keeps the
     * shards in place and reads their member names back.
     */
    private Written writeShards(List<ProxyLabels> rows, int threads, IntConsumer progress)
            throws IOException, InterruptedException {
        Files.createDirectories(out.resolve("shards"));
        Map<String, List<ProxyLabels>> bySplit = new java.util.TreeMap<>();
        for (ProxyLabels row : rows) {
            bySplit.computeIfAbsent(splits.of(row.patientKey()), s -> new ArrayList<>()).add(row);
        }
        AtomicInteger done = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<Shard>> written = new ArrayList<>();
        try {
            for (Map.Entry<String, List<ProxyLabels>> split : bySplit.entrySet()) {
                List<ProxyLabels> members = split.getValue();
                int count = Math.min(format.shards(), members.size());
                for (int i = 0; i < count; i++) {
                    String name = String.format("shards/%s-%05d.tar", split.getKey(), i);
                    List<ProxyLabels> chunk = members.subList(i * members.size() / count,
                            (i + 1) * members.size() / count);
                    written.add(pool.submit(() -> shard(name, split.getKey(), chunk, progress, done)));
                }
            }
            List<Image> images = new ArrayList<>();
            List<String> leftOut = new ArrayList<>();
            StringBuilder sums = new StringBuilder();
            int rendered = 0;
            int copied = 0;
            int kept = 0;
            for (Future<Shard> future : written) {
                Shard shard = get(future);
                images.addAll(shard.images());
                leftOut.addAll(shard.leftOut());
                sums.append(sha256(out.resolve(shard.name()))).append("  ").append(shard.name()).append('\n');
                if (shard.kept()) {
                    kept += shard.images().size();
                } else if (format.png()) {
                    rendered += shard.images().size();
                } else {
                    copied += shard.images().size();
                }
            }
            writeAtomically(out.resolve("SHA256SUMS"), sums.toString());
            String labels = csv(images);
            writeAtomically(out.resolve("labels.csv"), labels);
            return new Written(images, 0, copied, rendered, kept, leftOut, sha256(labels));
        } finally {
            pool.shutdownNow();
        }
    }

    private record Shard(String name, List<Image> images, List<String> leftOut, boolean kept) {
    }

    private Shard shard(String name, String split, List<ProxyLabels> rows, IntConsumer progress, AtomicInteger done)
            throws IOException {
        Path tar = out.resolve(name);
        List<Image> images = new ArrayList<>();
        List<String> leftOut = new ArrayList<>();
        if (Files.exists(tar)) {
            java.util.Set<String> members = new java.util.HashSet<>(Tar.names(tar));
            for (ProxyLabels row : rows) {
                String member = member(row);
                if (members.contains(member)) {
                    images.add(new Image(row, outcomes.get(row.sopInstanceKey()), name + "#" + member, split, null));
                } else {
                    leftOut.add(row.sopInstanceKey() + ": not in " + name);
                }
                progress.accept(done.incrementAndGet());
            }
            return new Shard(name, images, leftOut, true);
        }
        Path part = tar.resolveSibling(tar.getFileName() + PART);
        try (java.io.OutputStream stream = new java.io.BufferedOutputStream(Files.newOutputStream(part), 1 << 20)) {
            for (ProxyLabels row : rows) {
                Path source = archived(row);
                try {
                    if (!Files.exists(source)) {
                        throw new LeftOut("not in the archive");
                    }
                    byte[] content = format.png() ? png(source) : Files.readAllBytes(source);
                    String member = member(row);
                    Tar.add(stream, member, content);
                    Image image = new Image(row, outcomes.get(row.sopInstanceKey()), name + "#" + member, split, null);
                    Tar.add(stream, member.substring(0, member.lastIndexOf('.')) + ".json", sampleJson(image));
                    images.add(image);
                } catch (LeftOut e) {
                    leftOut.add(row.sopInstanceKey() + ": " + e.getMessage());
                }
                progress.accept(done.incrementAndGet());
            }
            Tar.finish(stream);
        }
        Files.move(part, tar, StandardCopyOption.ATOMIC_MOVE);
        return new Shard(name, images, leftOut, false);
    }

    private String member(ProxyLabels row) {
        return row.sopInstanceKey().replace('.', '_') + format.extension();
    }

    /** The labels.csv row of an image as a JSON object, its path left out: the sample's own labels. */
    private static byte[] sampleJson(Image image) throws IOException {
        List<String> values = csvValues(image);
        Map<String, String> sample = new java.util.LinkedHashMap<>();
        for (int i = 1; i < COLUMNS.size(); i++) {
            sample.put(COLUMNS.get(i), values.get(i).isEmpty() ? null : values.get(i));
        }
        return new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsBytes(sample);
    }

    /** One row's outcome: its image and how it came to be, or why it was left out. */
    private record Placed(Image image, How how, String leftOut) {
    }

    private Placed place(ProxyLabels row) throws IOException {
        Path source = archived(row);
        String path = "images/" + row.patientKey() + "/" + row.sopInstanceKey() + format.extension();
        Path target = out.resolve(path);
        How how;
        try {
            if (Files.exists(target)) {
                how = How.KEPT;
            } else if (!Files.exists(source)) {
                throw new LeftOut("not in the archive");
            } else if (format.png()) {
                render(source, target);
                how = How.RENDERED;
            } else {
                how = place(source, target) ? How.LINKED : How.COPIED;
            }
        } catch (LeftOut e) {
            return new Placed(null, null, row.sopInstanceKey() + ": " + e.getMessage());
        }
        return new Placed(new Image(row, outcomes.get(row.sopInstanceKey()), path, splits.of(row.patientKey()),
                sha256(target)), how, null);
    }

    private Path archived(ProxyLabels row) {
        return Archive.pathOf(archive, new Archive.Key(row.patientKey(), row.studyKey(), row.seriesKey(),
                row.sopInstanceKey()));
    }

    /** A worker's result, its IOException thrown as it was. */
    private static <T> T get(Future<T> future) throws IOException, InterruptedException {
        try {
            return future.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    /** A row that cannot be exported: said in the summary, the rest goes on. */
    private static final class LeftOut extends Exception {
        LeftOut(String reason) {
            super(reason);
        }
    }

    private void render(Path source, Path target) throws IOException, LeftOut {
        byte[] png = png(source);
        Files.createDirectories(target.getParent());
        Path part = target.resolveSibling(target.getFileName() + PART);
        Files.write(part, png);
        Files.move(part, target, StandardCopyOption.ATOMIC_MOVE);
    }

    private byte[] png(Path source) throws IOException, LeftOut {
        float[] presented;
        int rows;
        int columns;
        try {
            MonochromeFrame frame = decoder.firstFrameOf(source);
            if (format.size() > 0) {
                presented = new Preprocessor(InputSpec.grayscale(format.size(), format.size(), 0, 1)).tensor(frame);
                rows = format.size();
                columns = format.size();
            } else {
                presented = Preprocessor.present(frame, InputSpec.DEFAULT_LOWER_PERCENTILE,
                        InputSpec.DEFAULT_UPPER_PERCENTILE);
                rows = frame.rows();
                columns = frame.columns();
            }
        } catch (PixelDataException e) {
            throw new LeftOut("no PNG: " + e.getMessage());
        }
        java.io.ByteArrayOutputStream png = new java.io.ByteArrayOutputStream();
        ImageIO.write(Png.gray(presented, rows, columns, format.bits()), "png", png);
        return png.toByteArray();
    }

    /** @return true when linked, false when copied */
    private static boolean place(Path source, Path target) throws IOException {
        Files.createDirectories(target.getParent());
        Path part = target.resolveSibling(target.getFileName() + PART);
        Files.deleteIfExists(part);
        boolean linked;
        try {
            Files.createLink(part, source);
            linked = true;
        } catch (FileSystemException | UnsupportedOperationException e) {
            Files.copy(source, part, StandardCopyOption.REPLACE_EXISTING);
            linked = false;
        }
        Files.move(part, target, StandardCopyOption.ATOMIC_MOVE);
        return linked;
    }

    /** What an interrupted run left half-written. */
    private void deletePartFiles() throws IOException {
        try (Stream<Path> all = Files.walk(out.resolve("images"))) {
            for (Path part : all.filter(p -> p.getFileName().toString().endsWith(PART)).toList()) {
                Files.delete(part);
            }
        }
    }

    private static String sums(List<Image> images) {
        StringBuilder sums = new StringBuilder();
        for (Image image : images) {
            sums.append(image.sha256()).append("  ").append(image.path()).append('\n');
        }
        return sums.toString();
    }

    static String csv(List<Image> images) {
        StringBuilder csv = new StringBuilder(String.join(",", COLUMNS)).append('\n');
        for (Image image : images) {
            List<String> fields = new ArrayList<>();
            for (String value : csvValues(image)) {
                fields.add(quoted(value));
            }
            csv.append(String.join(",", fields)).append('\n');
        }
        return csv.toString();
    }

    /** The values of an image's labels.csv row, in the order of {@link #COLUMNS}; empty for none. */
    private static List<String> csvValues(Image image) {
        ProxyLabels l = image.labels();
        Outcomes.Outcome o = image.outcome();
        return List.of(image.path(), l.patientKey(), l.studyKey(), l.seriesKey(), l.sopInstanceKey(),
                image.split(), l.bodyPart().name(), text(l.ageYears()), text(l.ageBand()), text(l.sex()),
                text(l.modality()), text(l.viewPosition()), text(l.laterality()), text(l.manufacturer()),
                text(l.model()), Integer.toString(l.rows()), Integer.toString(l.columns()),
                text(l.pixelSpacingRowMm()), text(l.pixelSpacingColumnMm()), text(l.shiftedStudyDate()),
                o == null ? "" : Long.toString(o.daysFromImage()), o == null ? "" : o.site().code(),
                o == null ? "" : Double.toString(o.tScore()), o == null ? "" : o.whoLabel());
    }

    private static String text(Object value) {
        return value == null ? "" : value.toString();
    }

    /** RFC 4180: a field with a comma, quote or line break is quoted, its quotes doubled. */
    static String quoted(String field) {
        if (field.contains(",") || field.contains("\"") || field.contains("\n") || field.contains("\r")) {
            return "\"" + field.replace("\"", "\"\"") + "\"";
        }
        return field;
    }

    /** The text under a temporary name, then renamed over {@code file}: a reader sees the old or the new whole. */
    public static void writeAtomically(Path file, String content) throws IOException {
        Path part = file.resolveSibling(file.getFileName() + PART);
        try (Writer writer = Files.newBufferedWriter(part, StandardCharsets.UTF_8)) {
            writer.write(content);
        }
        Files.move(part, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    static String sha256(Path file) throws IOException {
        MessageDigest digest = sha256();
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    public static String sha256(String text) {
        return HexFormat.of().formatHex(sha256().digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

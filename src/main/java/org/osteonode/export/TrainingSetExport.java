package org.osteonode.export;

import org.osteonode.labels.ProxyLabels;
import org.osteonode.pixels.InputSpec;
import org.osteonode.pixels.MonochromeFrame;
import org.osteonode.pixels.PixelDataDecoder;
import org.osteonode.pixels.PixelDataException;
import org.osteonode.pixels.Preprocessor;

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
            "pixel_spacing_column_mm", "study_date_shifted");

    /**
     * What each image becomes: the de-identified DICOM object itself, or a PNG of 8 or 16 bits rendered exactly as
     * the model sees it — Modality LUT, VOI window, MONOCHROME1 inverted — at its own size, or letterboxed to
     * {@code size} × {@code size} (0: its own size).
     */
    public record Format(boolean png, int bits, int size) {
        public static final Format DICOM = new Format(false, 0, 0);

        public Format {
            if (png && bits != 8 && bits != 16) {
                throw new IllegalArgumentException("PNG bits must be 8 or 16");
            }
            if (size < 0) {
                throw new IllegalArgumentException("size must be at least 1 (or 0 for the image's own)");
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

    public TrainingSetExport(Path archive, Path out, Splits splits, Format format) {
        this.archive = archive;
        this.out = out;
        this.splits = splits;
        this.format = format;
    }

    /** One exported image: its row, path under the export and split. */
    public record Image(ProxyLabels labels, String path, String split, String sha256) {
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

    /** One row's outcome: its image and how it came to be, or why it was left out. */
    private record Placed(Image image, How how, String leftOut) {
    }

    private Placed place(ProxyLabels row) throws IOException {
        Path source = archive.resolve(row.patientKey()).resolve(row.studyKey()).resolve(row.seriesKey())
                .resolve(row.sopInstanceKey() + ".dcm");
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
        return new Placed(new Image(row, path, splits.of(row.patientKey()), sha256(target)), how, null);
    }

    private static Placed get(Future<Placed> future) throws IOException, InterruptedException {
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
        float[] presented;
        int rows;
        int columns;
        try {
            MonochromeFrame frame = PixelDataDecoder.firstFrame(source);
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
        Files.createDirectories(target.getParent());
        Path part = target.resolveSibling(target.getFileName() + PART);
        ImageIO.write(Png.gray(presented, rows, columns, format.bits()), "png", part.toFile());
        Files.move(part, target, StandardCopyOption.ATOMIC_MOVE);
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
            ProxyLabels l = image.labels();
            List<Object> values = List.of(image.path(), l.patientKey(), l.studyKey(), l.seriesKey(), l.sopInstanceKey(),
                    image.split(), l.bodyPart().name(), text(l.ageYears()), text(l.ageBand()), text(l.sex()),
                    text(l.modality()), text(l.viewPosition()), text(l.laterality()), text(l.manufacturer()),
                    text(l.model()), l.rows(), l.columns(), text(l.pixelSpacingRowMm()),
                    text(l.pixelSpacingColumnMm()), text(l.shiftedStudyDate()));
            List<String> fields = new ArrayList<>();
            for (Object value : values) {
                fields.add(quoted(value.toString()));
            }
            csv.append(String.join(",", fields)).append('\n');
        }
        return csv.toString();
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

    static String sha256(String text) {
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

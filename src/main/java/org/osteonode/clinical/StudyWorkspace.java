package org.osteonode.clinical;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.DicomInputStream;
import com.pixelmed.dicom.TransferSyntax;
import org.osteonode.labels.BodyPart;
import org.osteonode.report.OsteoporosisReport;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.function.UnaryOperator;

/**
 * What the report of a study needs and PostgreSQL must not hold: the patient and study attributes of the
 * study, and the identifiers of each scored image. Identified data, kept under {@code data-dir/clinical/}
 * (owner-only) until the study's report has been queued, in a folder per study and a file per image named not by
 * their pseudonymous keys but by {@code names} of them (a keyed HMAC in its own domain,
 * {@link org.osteonode.deid.Pseudonymizer#workspace}): the workspace cannot be joined to the research archive.
 */
public final class StudyWorkspace {

    private final Path dir;
    private final UnaryOperator<String> names;

    public StudyWorkspace(Path dir, UnaryOperator<String> names) {
        this.dir = dir;
        this.names = names;
        try {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
    }

    /** One scored image: its references for the report, and its score. */
    public record ScoredImage(OsteoporosisReport.SourceImage image, double score, BodyPart bodyPart) {
    }

    /** Keeps the study's patient and study attributes (once) and the image's references and score. */
    public void add(String studyKey, String sopInstanceKey, AttributeList header, ScoredImage scored)
            throws IOException, DicomException {
        Path study = Files.createDirectories(dir.resolve(names.apply(studyKey)));
        Path studyHeader = study.resolve("study.dcm");
        if (!Files.exists(studyHeader)) {
            AttributeList subset = new AttributeList();
            for (AttributeTag tag : OsteoporosisReport.PATIENT_AND_STUDY) {
                Attribute attribute = header.get(tag);
                if (attribute != null) {
                    subset.put(attribute);
                }
            }
            // Each writer has its own temporary file: two images of a new study are often scored at once.
            Path part = Files.createTempFile(study, "study-", ".part");
            subset.write(part.toFile(), TransferSyntax.ExplicitVRLittleEndian, false, true);
            Files.move(part, studyHeader, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
        Properties image = new Properties();
        image.setProperty("sopClassUid", scored.image().sopClassUid());
        image.setProperty("sopInstanceUid", scored.image().sopInstanceUid());
        image.setProperty("seriesInstanceUid", scored.image().seriesInstanceUid());
        image.setProperty("score", Double.toString(scored.score()));
        image.setProperty("bodyPart", scored.bodyPart().name());
        Path part = Files.createTempFile(study, "image-", ".part");
        try (Writer out = Files.newBufferedWriter(part, StandardCharsets.UTF_8)) {
            image.store(out, null);
        }
        Files.move(part, study.resolve(names.apply(sopInstanceKey) + ".image"), StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
    }

    /** Deletes what was kept for a study; returns whether there was anything. */
    public boolean forget(String studyKey) throws IOException {
        Path study = dir.resolve(names.apply(studyKey));
        if (!Files.isDirectory(study)) {
            return false;
        }
        try (java.util.stream.Stream<Path> files = Files.walk(study)) {
            for (Path file : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(file);
            }
        }
        return true;
    }

    /** The study's patient and study attributes, as the first scored image had them. */
    public AttributeList studyHeader(String studyKey) throws IOException, DicomException {
        AttributeList list = new AttributeList();
        try (DicomInputStream in = new DicomInputStream(new BufferedInputStream(
                Files.newInputStream(dir.resolve(names.apply(studyKey)).resolve("study.dcm"))),
                TransferSyntax.ExplicitVRLittleEndian,
                false)) {
            list.read(in);
        }
        return list;
    }

    public List<ScoredImage> images(String studyKey) throws IOException {
        List<ScoredImage> images = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir.resolve(names.apply(studyKey)), "*.image")) {
            for (Path file : files) {
                Properties image = new Properties();
                try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                    image.load(in);
                }
                images.add(new ScoredImage(new OsteoporosisReport.SourceImage(image.getProperty("sopClassUid"),
                        image.getProperty("sopInstanceUid"), image.getProperty("seriesInstanceUid")),
                        Double.parseDouble(image.getProperty("score")), BodyPart.valueOf(image.getProperty("bodyPart"))));
            }
        }
        images.sort(java.util.Comparator.comparing(scored -> scored.image().sopInstanceUid()));
        return images;
    }
}

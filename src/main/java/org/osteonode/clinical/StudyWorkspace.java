package org.osteonode.clinical;

import org.osteonode.objects.Folders;
import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.DicomInputStream;
import com.pixelmed.dicom.TransferSyntax;
import org.osteonode.labels.BodyPart;
import org.osteonode.objects.ObjectStore;
import org.osteonode.report.OsteoporosisReport;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.function.UnaryOperator;

/**
 * What the report of a study needs and PostgreSQL must not hold: the patient and study attributes of the
 * study, and the identifiers of each scored image. Identified data, kept in an {@link ObjectStore} until the study's
 * report has been queued: a single node's {@code data-dir/clinical/} ({@link org.osteonode.objects.FileObjectStore}),
 * or, in cluster mode, the PHI bucket under {@code workspace/}, because a study's images may be scored on several
 * nodes and its report made by any of them (docs/scale-out.md).
 *
 * <p>The keys are {@code prefix + name(study) + "/study.dcm"} and {@code prefix + name(study) + "/" + name(image) +
 * ".image"}, named not by the pseudonymous keys but by {@code names} of them (a keyed HMAC in its own domain, 32 hex
 * digits: {@link org.osteonode.deid.Pseudonymizer#workspace}): the workspace cannot be joined to the research
 * archive.
 *
 * <p>Objects go through files in {@code scratchDir}, created owner-only and deleted before a method returns: an
 * object store takes and gives whole files, and these hold identified data.
 */
public final class StudyWorkspace {
    private static final String STUDY_HEADER = "study.dcm";
    private static final String IMAGE_SUFFIX = ".image";

    private final ObjectStore store;
    private final String keyPrefix;
    private final Path scratchDir;
    private final UnaryOperator<String> names;

    /**
     * @param keyPrefix  {@code ""} or a prefix ending in {@code /} that the store's keys may start with
     * @param scratchDir a local directory for the files that go to and come from the store
     */
    public StudyWorkspace(ObjectStore store, String keyPrefix, Path scratchDir, UnaryOperator<String> names) {
        this.store = store;
        this.keyPrefix = keyPrefix;
        this.scratchDir = scratchDir;
        this.names = names;
        Folders.ownerOnly(scratchDir);
    }

    /** One scored image: its references for the report, and its score. */
    public record ScoredImage(OsteoporosisReport.SourceImage image, double score, BodyPart bodyPart) {
    }

    /**
     * Keeps the study's patient and study attributes (once) and the image's references and score.
     *
     * <p>Two images of a new study scored at once, on one node or on two, may both find no study header and both
     * put it: harmless, as both hold the same study's attributes, and the store keeps the last (each put is whole).
     */
    public void add(String studyKey, String sopInstanceKey, AttributeList header, ScoredImage scored)
            throws IOException, DicomException {
        String study = studyPrefix(studyKey);
        String studyHeader = study + STUDY_HEADER;
        // createTempFile makes the file owner-only (rw-------)
        Path part = Files.createTempFile(scratchDir, "workspace-", ".part");
        try {
            if (!store.exists(studyHeader)) {
                AttributeList subset = new AttributeList();
                for (AttributeTag tag : OsteoporosisReport.PATIENT_AND_STUDY) {
                    Attribute attribute = header.get(tag);
                    if (attribute != null) {
                        subset.put(attribute);
                    }
                }
                subset.write(part.toFile(), TransferSyntax.ExplicitVRLittleEndian, false, true);
                store.put(studyHeader, part);
            }
            Properties image = new Properties();
            image.setProperty("sopClassUid", scored.image().sopClassUid());
            image.setProperty("sopInstanceUid", scored.image().sopInstanceUid());
            image.setProperty("seriesInstanceUid", scored.image().seriesInstanceUid());
            image.setProperty("score", Double.toString(scored.score()));
            image.setProperty("bodyPart", scored.bodyPart().name());
            try (Writer out = Files.newBufferedWriter(part, StandardCharsets.UTF_8)) {
                image.store(out, null);
            }
            store.put(study + names.apply(sopInstanceKey) + IMAGE_SUFFIX, part);
        } finally {
            Files.deleteIfExists(part);
        }
    }

    /** Deletes what was kept for a study; returns whether there was anything. */
    public boolean forget(String studyKey) throws IOException {
        return store.deleteAll(studyPrefix(studyKey)) > 0;
    }

    /**
     * The study's patient and study attributes, as the first scored image had them.
     *
     * @throws java.nio.file.NoSuchFileException no image of the study was kept
     */
    public AttributeList studyHeader(String studyKey) throws IOException, DicomException {
        Path part = Files.createTempFile(scratchDir, "workspace-", ".part");
        try {
            store.get(studyPrefix(studyKey) + STUDY_HEADER, part);
            AttributeList list = new AttributeList();
            try (DicomInputStream in = new DicomInputStream(new BufferedInputStream(Files.newInputStream(part)),
                    TransferSyntax.ExplicitVRLittleEndian, false)) {
                list.read(in);
            }
            return list;
        } finally {
            Files.deleteIfExists(part);
        }
    }

    /** The study's scored images, in the order of their SOP Instance UIDs; none for a study never seen. */
    public List<ScoredImage> images(String studyKey) throws IOException {
        List<ScoredImage> images = new ArrayList<>();
        Path part = Files.createTempFile(scratchDir, "workspace-", ".part");
        try {
            for (String key : store.list(studyPrefix(studyKey))) {
                if (!key.endsWith(IMAGE_SUFFIX)) {
                    continue;
                }
                store.get(key, part);
                Properties image = new Properties();
                try (Reader in = Files.newBufferedReader(part, StandardCharsets.UTF_8)) {
                    image.load(in);
                }
                images.add(new ScoredImage(new OsteoporosisReport.SourceImage(image.getProperty("sopClassUid"),
                        image.getProperty("sopInstanceUid"), image.getProperty("seriesInstanceUid")),
                        Double.parseDouble(image.getProperty("score")),
                        BodyPart.valueOf(image.getProperty("bodyPart"))));
            }
        } finally {
            Files.deleteIfExists(part);
        }
        images.sort(Comparator.comparing(scored -> scored.image().sopInstanceUid()));
        return images;
    }

    private String studyPrefix(String studyKey) {
        return keyPrefix + names.apply(studyKey) + "/";
    }
}

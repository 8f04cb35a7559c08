package org.osteonode.clinical;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.TagFromName;
import org.osteonode.deid.Pseudonymizer;
import org.osteonode.dicom.EncodedHeader;
import org.osteonode.labels.BodyPart;
import org.osteonode.labels.BodyPartNormalizer;
import org.osteonode.labels.LabelExtractor;
import org.osteonode.pixels.MonochromeFrame;
import org.osteonode.pixels.PixelDataDecoder;
import org.osteonode.pixels.DecodeFailedException;
import org.osteonode.pixels.PixelDataException;
import org.osteonode.pixels.UnsupportedTransferSyntaxException;
import org.osteonode.report.OsteoporosisReport;
import org.osteonode.store.ClinicalStudies;
import org.osteonode.store.DatabaseUnavailableException;
import org.slf4j.Logger;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The clinical path for one received object: is it an eligible spine or hip radiograph; if so, it goes to the
 * model, and once its score is known ({@link #keep}) the score is kept for the study's report (references in the
 * workspace, the score in PostgreSQL).
 */
public final class ClinicalPath {
    private final Eligibility eligibility;
    private final BodyPartNormalizer bodyParts;
    private final ImageScorer scorer;
    private final ClinicalStudies studies;
    private final StudyWorkspace workspace;
    private final Pseudonymizer pseudonymizer;
    private final PixelDataDecoder decoder;

    public ClinicalPath(Eligibility eligibility, BodyPartNormalizer bodyParts, ImageScorer scorer,
            ClinicalStudies studies, StudyWorkspace workspace, Pseudonymizer pseudonymizer, PixelDataDecoder decoder) {
        this.decoder = decoder;
        this.eligibility = eligibility;
        this.bodyParts = bodyParts;
        this.scorer = scorer;
        this.studies = studies;
        this.workspace = workspace;
        this.pseudonymizer = pseudonymizer;
    }

    /**
     * Skip reasons of images that were eligible, so meant for the model, but could not be scored (docs/clinical.md);
     * the other reasons are eligibility rules.
     */
    public static final java.util.Set<String> MEANT_FOR_THE_MODEL = java.util.Set.of("no-decoder", "decode-failed",
            "not-presentable", "failed");

    /** What became of one object on the clinical path. */
    public sealed interface Outcome {
        /** With the model; {@link #keep} its score when it arrives. */
        record Scoring(CompletableFuture<Double> score, Image image) implements Outcome {
        }

        /** Not for the model; {@code reason} is the metric tag (docs/clinical.md). */
        record Skipped(String reason) implements Outcome {
        }
    }

    /** What the report will need of an image being scored: identified, kept in memory only until then. */
    public record Image(String studyKey, String sopInstanceKey, AttributeList header, BodyPart bodyPart) {
    }

    /** What a reference says of the image (cluster mode's relay): informative; the worker decides again. */
    public org.osteonode.ingest.Relay.Classification classify(org.osteonode.ingest.InstanceHeader header)
            throws Exception {
        AttributeList attributes = header.encoded().attributes();
        BodyPart bodyPart = bodyParts.normalize(LabelExtractor.hints(attributes)).bodyPart();
        return new org.osteonode.ingest.Relay.Classification(bodyPart,
                eligibility.refusal(attributes, bodyPart).isEmpty());
    }

    /** Decides from the header read on arrival; an eligible image's pixels are read once, by the decoder. */
    public Outcome process(EncodedHeader encoded) throws Exception {
        AttributeList header = encoded.attributes();
        BodyPart bodyPart = bodyParts.normalize(LabelExtractor.hints(header)).bodyPart();
        Optional<String> refusal = eligibility.refusal(header, bodyPart);
        if (refusal.isPresent()) {
            return new Outcome.Skipped(refusal.get());
        }
        Image image = new Image(pseudonymizer.uid(value(header, TagFromName.StudyInstanceUID)),
                pseudonymizer.uid(value(header, TagFromName.SOPInstanceUID)), header, bodyPart);
        MonochromeFrame frame = decoder.firstFrameOf(header, encoded.file(), encoded.pixelDataOffset());
        return new Outcome.Scoring(scorer.score(frame), image);
    }

    /**
     * {@link #process}, with an image that cannot be prepared for the model turned into its skip reason
     * (docs/clinical.md) — the one mapping for the spool-fed route and the cluster worker. Only a database outage is
     * thrown: nothing else about an image gets better by trying it again.
     *
     * @param object how the log lines name the object ({@code file=<arrival number>}, {@code key=<pseudonymous
     *               key>}): never anything from the patient
     * @param log    the caller's: the lines keep the logger they are known by
     */
    public Outcome processOrSkip(EncodedHeader encoded, String transferSyntaxUid, String object, Logger log)
            throws Exception {
        try {
            return process(encoded);
        } catch (DatabaseUnavailableException e) {
            throw e;
        } catch (UnsupportedTransferSyntaxException e) {
            return new Outcome.Skipped("no-decoder");
        } catch (DecodeFailedException e) {
            // expected now and then on real archives (a corrupt or crafted code stream): one line, no stack
            log.warn("event=clinical.decode-failed {} transfer_syntax={} error=\"{}\" effect=\"archived, not "
                    + "scored; not retried\"", object, transferSyntaxUid, e.getMessage());
            return new Outcome.Skipped("decode-failed");
        } catch (PixelDataException e) {
            log.warn("event=clinical.not-presentable {} error=\"{}\" effect=\"archived, not scored\"", object,
                    e.getMessage());
            return new Outcome.Skipped("not-presentable");
        } catch (Exception e) {
            logFailure(log, object, e);
            return new Outcome.Skipped("failed");
        }
    }

    /** Unexpected, so its stack trace, once. */
    public static void logFailure(Logger log, String object, Throwable failure) {
        log.warn("event=clinical.failed {} error=\"{}: {}\"", object, failure.getClass().getSimpleName(),
                failure.getMessage(), failure);
    }

    /**
     * Records that an image was not scored, and why, under its study's pseudonymous key, for the study's report
     * log line; an object without a Study or SOP Instance UID is counted in the metric only.
     */
    public void skipped(String studyInstanceUid, String sopInstanceUid, String reason) throws Exception {
        if (studyInstanceUid == null || studyInstanceUid.isBlank() || sopInstanceUid == null || sopInstanceUid.isBlank()) {
            return;
        }
        studies.skipped(pseudonymizer.uid(sopInstanceUid), pseudonymizer.uid(studyInstanceUid), reason);
    }

    /** Keeps an image's score for its study's report; a re-sent image changes nothing. */
    public void keep(Image image, double score) throws Exception {
        AttributeList header = image.header();
        workspace.add(image.studyKey(), image.sopInstanceKey(), header, new StudyWorkspace.ScoredImage(
                new OsteoporosisReport.SourceImage(value(header, TagFromName.SOPClassUID),
                        value(header, TagFromName.SOPInstanceUID), value(header, TagFromName.SeriesInstanceUID)),
                score, image.bodyPart()));
        studies.score(image.sopInstanceKey(), image.studyKey(), score);
    }

    private static String value(AttributeList list, com.pixelmed.dicom.AttributeTag tag) {
        return Attribute.getSingleStringValueOrEmptyString(list, tag).trim();
    }
}

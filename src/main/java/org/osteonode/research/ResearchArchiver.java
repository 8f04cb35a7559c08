package org.osteonode.research;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.FileMetaInformation;
import com.pixelmed.dicom.TagFromName;
import org.osteonode.config.DeidOptions;
import org.osteonode.deid.ConfidentialityProfile;
import org.osteonode.deid.DeidentificationRefusedException;
import org.osteonode.deid.DeidentifiedObject;
import org.osteonode.deid.Deidentifier;
import org.osteonode.deid.DescriptorCleaner;
import org.osteonode.deid.PixelDataElement;
import org.osteonode.deid.Pseudonymizer;
import org.osteonode.dicom.EncodedHeader;
import org.osteonode.labels.BodyPartNormalizer;
import org.osteonode.labels.LabelExtractor;
import org.osteonode.labels.ProxyLabels;
import org.osteonode.store.Archive;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.Optional;

/**
 * The research path for one object: read it, take its proxy labels, de-identify it, write it to the
 * archive. Shared by the node's pipeline and {@code bin/osteonode deid}.
 */
public final class ResearchArchiver {
    /** Patients who opted out of research, by keyed pseudonym. */
    @FunctionalInterface
    public interface OptOuts {
        OptOuts NONE = patientKey -> false;

        boolean contains(String patientKey) throws SQLException;
    }

    private final Deidentifier deidentifier;
    private final LabelExtractor labels;
    private final Archive archive;
    private final String sourceAeTitle;
    private final ResearchScope scope;
    private final OptOuts optOuts;

    /** @param sourceAeTitle Source Application Entity Title of the archived files' File Meta Information */
    public ResearchArchiver(Deidentifier deidentifier, LabelExtractor labels, Archive archive, String sourceAeTitle,
            ResearchScope scope, OptOuts optOuts) {
        this.deidentifier = deidentifier;
        this.labels = labels;
        this.archive = archive;
        this.sourceAeTitle = sourceAeTitle;
        this.scope = scope;
        this.optOuts = optOuts;
    }

    /** The research path as configured: PS3.15 profile and options, descriptor cleaning, body parts, scope. */
    public static ResearchArchiver create(DeidOptions options, Pseudonymizer pseudonymizer, Archive archive,
            String sourceAeTitle, ResearchScope scope, OptOuts optOuts) {
        DescriptorCleaner cleaner = new DescriptorCleaner();
        Deidentifier deidentifier = new Deidentifier(new ConfidentialityProfile(options), options, pseudonymizer,
                cleaner::clean);
        return new ResearchArchiver(deidentifier, new LabelExtractor(new BodyPartNormalizer()), archive,
                sourceAeTitle, scope, optOuts);
    }

    /** Everything de-identified, nobody opted out: for tests and tools that take what they are given. */
    public static ResearchArchiver create(DeidOptions options, Pseudonymizer pseudonymizer, Archive archive,
            String sourceAeTitle) {
        return create(options, pseudonymizer, archive, sourceAeTitle, ResearchScope.ANY, OptOuts.NONE);
    }

    /** What became of an object. */
    public sealed interface Outcome {
        /** @param again the same object was already archived (a resend): nothing changed */
        record Archived(Path file, ProxyLabels labels, boolean again) implements Outcome {
        }

        /**
         * Not archived, and nothing wrong with it: only images are archived, within the research scope, of
         * patients who have not opted out.
         */
        record Skipped(String reason) implements Outcome {
        }

        /** Not archived because it cannot be de-identified safely: it belongs in the quarantine. */
        record Refused(String reason, String detail) implements Outcome {
        }
    }

    /** {@link #archive(EncodedHeader)} of a file not yet read, parsed once. */
    public Outcome archive(Path object) throws IOException, DicomException, SQLException {
        EncodedHeader.Parsed parsed = EncodedHeader.readParsed(object);
        return archive(parsed.header(), parsed.attributes());
    }

    /**
     * Takes the attributes up to Pixel Data from the header read on arrival, and copies the Pixel Data element
     * itself unread into the archive; only a deflated data set, which cannot be cut at a byte offset, is read
     * whole.
     */
    public Outcome archive(EncodedHeader header) throws IOException, DicomException, SQLException {
        return archive(header, header.attributes());
    }

    /** @param list the header's attributes, the caller's to give away: they are de-identified in place */
    private Outcome archive(EncodedHeader header, AttributeList list) throws IOException, DicomException, SQLException {
        Path object = header.file();
        String transferSyntax = Attribute.getSingleStringValueOrEmptyString(list, TagFromName.TransferSyntaxUID);
        PixelDataElement pixels = header.pixelDataOffset() >= 0
                ? PixelDataElement.locate(object, header.pixelDataOffset(), transferSyntax)
                : null;
        if (pixels == null && header.pixelDataFollows()) {
            // deflated, or pixel data this reader cannot delimit: read it whole (slower, same result)
            list = new AttributeList();
            list.read(object.toFile());
        }
        if (pixels == null && list.get(TagFromName.PixelData) == null) {
            return new Outcome.Skipped("not-an-image");
        }
        LabelExtractor.Observed observed = labels.observe(list);
        Optional<String> outOfScope = scope.exclusion(observed.modality(), observed.bodyPart().bodyPart(),
                observed.sopClassUid());
        if (outOfScope.isPresent()) {
            return new Outcome.Skipped(outOfScope.get());
        }
        DeidentifiedObject deidentified;
        try {
            deidentified = deidentifier.deidentify(list);
        } catch (DeidentificationRefusedException e) {
            return new Outcome.Refused(e.reason(), e.getMessage());
        }
        if (optOuts.contains(deidentified.patientKey())) {
            return new Outcome.Skipped("opted-out");
        }
        Archive.Key key = new Archive.Key(deidentified.patientKey(), deidentified.studyKey(),
                deidentified.seriesKey(), deidentified.sopInstanceKey());
        Archive.Written written;
        try {
            written = archive.write(key, encode(deidentified.attributes(), transferSyntax, pixels == null),
                    pixels == null ? null : new Archive.FileRange(pixels.file(), pixels.offset(), pixels.length()));
        } catch (Archive.ConflictException e) {
            return new Outcome.Refused("duplicate-sop-instance-uid", "its SOP Instance UID is already archived "
                    + "for a different object; the archived one is kept");
        }
        return new Outcome.Archived(written.file(), observed.labels(deidentified), written.again());
    }

    /**
     * The de-identified attributes as the archived file starts, in the original transfer syntax (pixels are never
     * re-encoded), with new File Meta Information naming this node.
     */
    private byte[] encode(AttributeList attributes, String transferSyntax, boolean withPixels)
            throws IOException, DicomException {
        FileMetaInformation.addFileMetaInformation(attributes, transferSyntax, sourceAeTitle);
        ByteArrayOutputStream out = new ByteArrayOutputStream(withPixels ? 1 << 20 : 16 << 10);
        attributes.write(out, transferSyntax, true, false);
        return out.toByteArray();
    }
}

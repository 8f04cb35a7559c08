package org.osteonode.deid;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.TagFromName;
import org.osteonode.labels.BodyPartNormalizer;
import org.osteonode.labels.LabelExtractor;
import org.osteonode.labels.ProxyLabels;
import org.osteonode.store.Archive;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The research path for one object: read it, take its proxy labels, de-identify it, write it to the
 * archive. Shared by the node's pipeline and {@code bin/osteonode deid}.
 */
public final class ResearchArchiver {
    private final Deidentifier deidentifier;
    private final LabelExtractor labels;
    private final Archive archive;

    public ResearchArchiver(Deidentifier deidentifier, LabelExtractor labels, Archive archive) {
        this.deidentifier = deidentifier;
        this.labels = labels;
        this.archive = archive;
    }

    /** The research path as configured: PS3.15 profile and options, descriptor cleaning, body parts. */
    public static ResearchArchiver create(DeidOptions options, Pseudonymizer pseudonymizer, Archive archive) {
        DescriptorCleaner cleaner = new DescriptorCleaner();
        Deidentifier deidentifier = new Deidentifier(new ConfidentialityProfile(options), options, pseudonymizer,
                cleaner::clean);
        return new ResearchArchiver(deidentifier, new LabelExtractor(new BodyPartNormalizer()), archive);
    }

    /** What became of an object. */
    public sealed interface Outcome {
        record Archived(Path file, ProxyLabels labels) implements Outcome {
        }

        /** Not archived, and nothing wrong with it: only images are archived. */
        record Skipped(String reason) implements Outcome {
        }

        /** Not archived because it cannot be de-identified safely: it belongs in the quarantine. */
        record Refused(String reason, String detail) implements Outcome {
        }
    }

    public Outcome archive(Path object) throws IOException, DicomException {
        AttributeList list = new AttributeList();
        list.read(object.toFile());
        String transferSyntax = Attribute.getSingleStringValueOrEmptyString(list, TagFromName.TransferSyntaxUID);
        LabelExtractor.Observed observed = labels.observe(list);
        DeidentifiedObject deidentified;
        try {
            deidentified = deidentifier.deidentify(list);
        } catch (DeidentificationRefusedException e) {
            return e.reason().equals("not-an-image")
                    ? new Outcome.Skipped(e.reason())
                    : new Outcome.Refused(e.reason(), e.getMessage());
        }
        Path file = archive.write(deidentified, transferSyntax);
        return new Outcome.Archived(file, observed.labels(deidentified));
    }
}

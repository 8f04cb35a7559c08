package org.osteonode.cluster;

import org.osteonode.labels.BodyPart;

import java.util.regex.Pattern;

/**
 * What one node tells the others about a stored SOP Instance (issue 14): where its bytes are and what a consumer
 * needs to route it, and nothing that identifies a patient. The references travel on a topic other nodes write to,
 * so every field is held to a pattern that leaves no room for free text: the keys are pseudonyms (32 hex digits of an
 * HMAC, as {@code deid.Pseudonymizer} makes them), never a UID of the original; the two UIDs are those of the
 * standard (PS3.6 root {@code 1.2.840.10008.}), which a Study or SOP Instance UID never is; Modality is a Code
 * String; the body part comes from the closed vocabulary of {@link BodyPart}.
 *
 * @param objectKey         where the object's bytes are in the shared store: lowercase segments of {@code a-z 0-9 . _ -}
 * @param sha256            of the object's bytes, 64 lowercase hex digits: a consumer checks what it fetches against it
 * @param size              of the object in bytes
 * @param studyKey          the pseudonymous study key: the topic's record key, so that a study stays in one partition
 * @param sopInstanceKey    what a consumer is idempotent on: a reference delivered twice is handled once
 * @param clinicallyEligible whether {@code clinical.Eligibility} let the model see the image
 */
public record ObjectReference(
        String objectKey,
        String sha256,
        long size,
        String sopClassUid,
        String transferSyntaxUid,
        String patientKey,
        String studyKey,
        String seriesKey,
        String sopInstanceKey,
        String modality,
        BodyPart bodyPart,
        boolean clinicallyEligible) {

    /** S3's limit on an object key. */
    static final int MAX_OBJECT_KEY_LENGTH = 1024;
    /** The largest object a reference may announce: far above any radiograph, well below what a long can say. */
    static final long MAX_SIZE = 1L << 36;

    /** No segment starts with a dot: no {@code ..}, no hidden names. */
    private static final Pattern OBJECT_KEY = Pattern.compile("[a-z0-9_-][a-z0-9._-]*(/[a-z0-9_-][a-z0-9._-]*)*");
    private static final Pattern SHA_256 = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern PSEUDONYM = Pattern.compile("[0-9a-f]{32}");
    /** A UID under the DICOM root, at most 64 characters (PS3.5 9.1). */
    private static final Pattern STANDARD_UID = Pattern.compile("1\\.2\\.840\\.10008(\\.(0|[1-9][0-9]*))+");
    /** Code String (PS3.5 6.2): at most 16 of upper case, digits, underscore; Modality has no spaces. */
    private static final Pattern MODALITY = Pattern.compile("[A-Z0-9_]{1,16}");

    public ObjectReference {
        require("objectKey", objectKey, OBJECT_KEY, MAX_OBJECT_KEY_LENGTH);
        require("sha256", sha256, SHA_256, 64);
        if (size < 0 || size > MAX_SIZE) {
            throw new IllegalArgumentException("size " + size + " is outside 0.." + MAX_SIZE);
        }
        require("sopClassUid", sopClassUid, STANDARD_UID, 64);
        require("transferSyntaxUid", transferSyntaxUid, STANDARD_UID, 64);
        require("patientKey", patientKey, PSEUDONYM, 32);
        require("studyKey", studyKey, PSEUDONYM, 32);
        require("seriesKey", seriesKey, PSEUDONYM, 32);
        require("sopInstanceKey", sopInstanceKey, PSEUDONYM, 32);
        require("modality", modality, MODALITY, 16);
        if (bodyPart == null) {
            throw new IllegalArgumentException("bodyPart is missing (BodyPart.UNKNOWN when not known)");
        }
    }

    /** The value itself is never in the message: it may be what the pattern is there to keep out. */
    private static void require(String field, String value, Pattern pattern, int maxLength) {
        if (value == null) {
            throw new IllegalArgumentException(field + " is missing");
        }
        if (value.length() > maxLength || !pattern.matcher(value).matches()) {
            throw new IllegalArgumentException(field + " (" + value.length() + " characters) does not match "
                    + pattern.pattern() + " of at most " + maxLength + " characters");
        }
    }
}

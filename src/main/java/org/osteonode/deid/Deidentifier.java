package org.osteonode.deid;

import org.osteonode.config.DeidOptions;
import com.pixelmed.dicom.AgeStringAttribute;
import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.CodeStringAttribute;
import com.pixelmed.dicom.CodedSequenceItem;
import com.pixelmed.dicom.DicomDictionary;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.LongStringAttribute;
import com.pixelmed.dicom.SequenceAttribute;
import com.pixelmed.dicom.TagFromName;
import org.osteonode.deid.ConfidentialityProfile.Resolution;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * PS3.15 Annex E de-identification of one object's attributes: the Basic Application Level Confidentiality
 * Profile over the whole of Table E.1-1, at every sequence depth, with the options of {@link DeidOptions};
 * keyed pseudonyms for the patient and every UID; one date shift per patient. Deterministic: the same
 * input and secret always give the same output.
 *
 * <p>Pixel data is never decoded (the caller may even leave it out of {@code list} and copy it unread), so
 * pixels with burned-in text cannot be cleaned: such objects are refused.
 */
public final class Deidentifier {
    /** osteonode's own additions (PS3.15 E.1.1 and E.3): said in the object, so no reader has to guess. */
    private static final String METHOD = "osteonode PS3.15 Annex E Basic Profile";

    /** Secondary Capture and its multi-frame variants: screens, scanned documents, anything digitised. */
    static final Set<String> SCREEN_CAPTURES = Set.of(
            "1.2.840.10008.5.1.4.1.1.7",   // Secondary Capture Image
            "1.2.840.10008.5.1.4.1.1.7.1", // Multi-frame Single Bit SC
            "1.2.840.10008.5.1.4.1.1.7.2", // Multi-frame Grayscale Byte SC
            "1.2.840.10008.5.1.4.1.1.7.3", // Multi-frame Grayscale Word SC
            "1.2.840.10008.5.1.4.1.1.7.4"); // Multi-frame True Color SC

    /** Visible-light photographs of the patient (faces, skin, identifying marks). */
    static final Set<String> PHOTOGRAPHS = Set.of(
            "1.2.840.10008.5.1.4.1.1.77.1.4",   // VL Photographic Image
            "1.2.840.10008.5.1.4.1.1.77.1.4.1"); // Video Photographic Image

    /** Names of LO and SH attributes that hold free text (Dose Comment, Content Description, Segment Label...). */
    private static final java.util.regex.Pattern FREE_TEXT_NAME =
            java.util.regex.Pattern.compile("Comment|Description|Label|Remark|Note|Reason");

    private final ConfidentialityProfile profile;
    private final DeidOptions options;
    private final Pseudonymizer pseudonymizer;
    private final UnaryOperator<String> descriptorCleaner;

    public Deidentifier(ConfidentialityProfile profile, DeidOptions options, Pseudonymizer pseudonymizer,
            UnaryOperator<String> descriptorCleaner) {
        this.profile = profile;
        this.options = options;
        this.pseudonymizer = pseudonymizer;
        this.descriptorCleaner = descriptorCleaner;
    }

    /**
     * Builds PixelMed's data dictionary on a thread of its own. It takes ~0.4 s, once, on first use (an attribute
     * Table E.1-1 does not list is judged by it); begun when a command starts, it is ready by the first object.
     */
    public static void prepare() {
        Thread dictionary = new Thread(() -> DicomDictionary.StandardDictionary.hashCode(), "dictionary");
        dictionary.setDaemon(true);
        dictionary.start();
    }

    /**
     * De-identifies {@code list} in place (File Meta Information excluded: the writer makes a new one).
     *
     * @throws DeidentificationRefusedException when the pixels may carry burned-in text
     */
    public DeidentifiedObject deidentify(AttributeList list) throws DeidentificationRefusedException, DicomException {
        refuseWhatCannotBeCleaned(list);
        String patientId = value(list, TagFromName.PatientID);
        String issuer = value(list, TagFromName.IssuerOfPatientID);
        String patientKey = pseudonymizer.patient(issuer, patientId);
        DateShifter dates = new DateShifter(pseudonymizer.dateShiftDays(issuer, patientId, options.maxDateShiftDays()));
        OptionalInt age = PatientAge.years(list);

        Pass pass = new Pass(patientKey, dates, strings(list.get(TagFromName.SpecificCharacterSet)),
                value(list, TagFromName.SOPClassUID));
        list.removeGroup(0x0002); // the writer makes new File Meta Information from the de-identified data set
        list.removeGroupLengthAttributes();
        pass.apply(list);
        if (options.retainPatientCharacteristics() && age.isPresent()) {
            put(list, new AgeStringAttribute(TagFromName.PatientAge), PatientAge.ageString(age.getAsInt()));
        }
        mark(list);
        return new DeidentifiedObject(list, patientKey,
                value(list, TagFromName.StudyInstanceUID), value(list, TagFromName.SeriesInstanceUID),
                value(list, TagFromName.SOPInstanceUID), dates.daysBack());
    }

    private void refuseWhatCannotBeCleaned(AttributeList list) throws DeidentificationRefusedException {
        String sopClass = value(list, TagFromName.SOPClassUID);
        if (SCREEN_CAPTURES.contains(sopClass)) {
            throw new DeidentificationRefusedException("screen-capture", "a Secondary Capture (SOP Class " + sopClass
                    + ") is a screen or a scanned document: its pixels may show identifying text, whatever its "
                    + "Modality and Burned In Annotation say");
        }
        if (PHOTOGRAPHS.contains(sopClass)) {
            throw new DeidentificationRefusedException("photograph", "a visible-light photograph (SOP Class "
                    + sopClass + ") may show the patient's face or identifying text");
        }
        if (value(list, TagFromName.RecognizableVisualFeatures).equalsIgnoreCase("YES")) {
            throw new DeidentificationRefusedException("recognizable-visual-features",
                    "Recognizable Visual Features is YES: the pixels may show who the patient is");
        }
        if (value(list, TagFromName.BurnedInAnnotation).equalsIgnoreCase("YES")) {
            throw new DeidentificationRefusedException("burned-in-annotation",
                    "Burned In Annotation is YES: pixels may show identifying text");
        }
        String modality = value(list, TagFromName.Modality);
        if (options.quarantineModalities().contains(modality)) {
            throw new DeidentificationRefusedException("burned-in-modality", modality
                    + " images usually carry burned-in text (osteonode.deid.quarantine-modalities)");
        }
    }

    /** One object's walk through its attributes, at every depth, with the patient's pseudonym and date shift. */
    private final class Pass {
        private final String patientKey;
        private final DateShifter dates;
        private final String[] characterSet;
        private final String sopClass;

        Pass(String patientKey, DateShifter dates, String[] characterSet, String sopClass) {
            this.patientKey = patientKey;
            this.dates = dates;
            this.characterSet = characterSet;
            this.sopClass = sopClass;
        }

        void apply(AttributeList list) throws DicomException {
            apply(list, true);
        }

        /** @param topLevel the object's own attributes, not an item's: where an IOD's module requirements apply */
        private void apply(AttributeList list, boolean topLevel) throws DicomException {
            if (options.retainSafePrivate()) {
                SafePrivateAttributes.removeUnsafe(list); // before UN elements go: it reads their creators
            }
            UnknownValues.readOrRemove(list, characterSet);
            boolean removeOverlays = false;
            boolean removeCurves = false;
            for (AttributeTag tag : new ArrayList<>(list.keySet())) {
                Attribute attribute = list.get(tag);
                if (tag.equals(TagFromName.PatientID)) {
                    replace(attribute, patientKey);
                    continue;
                }
                if (tag.equals(TagFromName.PatientName)) {
                    // The pseudonym as family name; the delimiter keeps it from reading as the retired ACR-NEMA form.
                    replace(attribute, patientKey + "^");
                    continue;
                }
                Resolution resolution = profile.resolve(tag.getGroup(), tag.getElement());
                ConfidentialityProfile.Action action = required(tag, resolution.action(), sopClass, topLevel);
                switch (action) {
                    case REMOVE -> {
                        list.remove(tag);
                        removeOverlays |= tag.isOverlayGroup();
                        removeCurves |= tag.isCurveGroup();
                    }
                    case EMPTY -> empty(attribute);
                    case DUMMY -> dummy(attribute);
                    case NOT_LISTED -> notListed(list, attribute);
                    case KEEP, REPLACE_UIDS_INSIDE -> keepOrShift(attribute, action);
                    case CLEAN -> clean(list, attribute, resolution.reason());
                    case REPLACE_UID -> replaceUids(attribute);
                    default -> throw new IllegalStateException("unresolved action " + action + " for " + tag);
                }
            }
            // An overlay or curve without its data is a broken module, and its other attributes (labels,
            // descriptions) can identify too: remove the whole repeating group.
            if (removeOverlays || removeCurves) {
                for (AttributeTag tag : new ArrayList<>(list.keySet())) {
                    if ((removeOverlays && tag.isOverlayGroup()) || (removeCurves && tag.isCurveGroup())) {
                        list.remove(tag);
                    }
                }
            }
        }

        private void keepOrShift(Attribute attribute, ConfidentialityProfile.Action action) throws DicomException {
            if (attribute instanceof SequenceAttribute sequence) {
                items(sequence);
            } else if (action == ConfidentialityProfile.Action.NOT_LISTED) {
                // Table E.1-1 names the dates it knows; a date anywhere else is still a date.
                shiftDates(attribute);
            }
        }

        /**
         * Table E.1-1 is not exhaustive: what it does not list is kept, except what could still name someone. An
         * attribute the data dictionary does not know (a vendor's or a newer standard's, not private) is removed: no
         * one can say what it holds. A person name is removed. Free text (LT, ST, UT, and the LO or SH whose name
         * says comment, description or label) is cleaned like the descriptors.
         */
        private void notListed(AttributeList list, Attribute attribute) throws DicomException {
            AttributeTag tag = attribute.getTag();
            String name = DicomDictionary.StandardDictionary.getNameFromTag(tag);
            String vr = attribute.getVRAsString();
            if (name == null || vr.equals("PN")) {
                list.remove(tag);
            } else if (vr.equals("LT") || vr.equals("ST") || vr.equals("UT")
                    || ((vr.equals("LO") || vr.equals("SH")) && FREE_TEXT_NAME.matcher(name).find())) {
                String cleaned = descriptorCleaner.apply(String.join(" ", strings(attribute)));
                if (!cleaned.isEmpty()) {
                    replace(attribute, cleaned);
                } else if (IodRequirements.isType1Text(tag.getGroup() << 16 | tag.getElement())) {
                    dummy(attribute);
                } else {
                    list.remove(tag);
                }
            } else {
                keepOrShift(attribute, ConfidentialityProfile.Action.NOT_LISTED);
            }
        }

        private void clean(AttributeList list, Attribute attribute, ConfidentialityProfile.Reason reason)
                throws DicomException {
            if (attribute instanceof SequenceAttribute sequence) {
                items(sequence);
                return;
            }
            String vr = attribute.getVRAsString();
            if (vr.equals("DA") || vr.equals("DT")) {
                shiftDates(attribute);
            } else if (reason == ConfidentialityProfile.Reason.CLEAN_DESCRIPTORS
                    || reason == ConfidentialityProfile.Reason.PATIENT_CHARACTERISTICS
                    || reason == ConfidentialityProfile.Reason.DEVICE_IDENTITY) {
                String cleaned = descriptorCleaner.apply(String.join(" ", strings(attribute)));
                if (cleaned.isEmpty()) {
                    list.remove(attribute.getTag());
                } else {
                    replace(attribute, cleaned);
                }
            } else if (reason == ConfidentialityProfile.Reason.SAFE_PRIVATE && vr.equals("UI")) {
                // The table calls some private UIDs safe (analysed series, versions); the original is still a UID.
                replaceUids(attribute);
            }
            // Other cleaning keeps the value: times and time zone offsets under Modified Dates identify no one,
            // and private attributes left under Retain Safe Private are the ones the table knows to be safe.
        }

        private void items(SequenceAttribute sequence) throws DicomException {
            for (int i = 0; i < sequence.getNumberOfItems(); i++) {
                apply(sequence.getItem(i).getAttributeList(), false);
            }
        }

        private void shiftDates(Attribute attribute) throws DicomException {
            String vr = attribute.getVRAsString();
            if (!vr.equals("DA") && !vr.equals("DT")) {
                return;
            }
            List<String> shifted = new ArrayList<>();
            for (String value : strings(attribute)) {
                String moved = vr.equals("DA") ? dates.shiftDate(value) : dates.shiftDateTime(value);
                if (moved == null) {
                    attribute.removeValues();
                    return;
                }
                shifted.add(moved);
            }
            attribute.removeValues();
            for (String value : shifted) {
                attribute.addValue(value);
            }
        }

        private void replaceUids(Attribute attribute) throws DicomException {
            if (attribute instanceof SequenceAttribute sequence) {
                items(sequence);
                return;
            }
            List<String> replaced = new ArrayList<>();
            for (String uid : strings(attribute)) {
                replaced.add(pseudonymizer.uid(uid));
            }
            attribute.removeValues();
            for (String uid : replaced) {
                attribute.addValue(uid);
            }
        }

        private void empty(Attribute attribute) throws DicomException {
            if (attribute instanceof SequenceAttribute sequence) {
                sequence.removeValues();
            } else {
                attribute.removeValues();
            }
        }

        private void dummy(Attribute attribute) throws DicomException {
            if (attribute instanceof SequenceAttribute) {
                // A sequence's dummy would have to be invented content; an empty one identifies no one.
                empty(attribute);
                return;
            }
            String dummy = DummyValues.forVr(attribute.getVRAsString());
            if (dummy == null) {
                attribute.removeValues();
            } else {
                replace(attribute, dummy);
            }
        }
    }

    /** The table's "unless the IOD requires it", decided for the object's SOP Class ({@link IodRequirements}). */
    private static ConfidentialityProfile.Action required(AttributeTag tag, ConfidentialityProfile.Action action,
            String sopClass, boolean topLevel) {
        ConfidentialityProfile.Action otherwise = switch (action) {
            case REMOVE_UNLESS_REQUIRED -> ConfidentialityProfile.Action.REMOVE;
            case EMPTY_UNLESS_REQUIRED -> ConfidentialityProfile.Action.EMPTY;
            default -> null;
        };
        if (otherwise == null) {
            return action;
        }
        return topLevel ? IodRequirements.instead(sopClass, tag(tag)).orElse(otherwise) : otherwise;
    }

    /** Patient Identity Removed, De-identification Method (and its codes), Longitudinal Temporal Information Modified. */
    private void mark(AttributeList list) throws DicomException {
        put(list, new CodeStringAttribute(TagFromName.PatientIdentityRemoved), "YES");
        put(list, new LongStringAttribute(TagFromName.DeidentificationMethod), METHOD);
        SequenceAttribute codes = new SequenceAttribute(TagFromName.DeidentificationMethodCodeSequence);
        for (DeidentificationMethod method : DeidentificationMethod.applied(options)) {
            codes.addItem(new CodedSequenceItem(method.code(), "DCM", method.meaning()).getAttributeList());
        }
        list.put(codes);
        put(list, new CodeStringAttribute(TagFromName.LongitudinalTemporalInformationModified),
                options.retainLongitudinalModifiedDates() ? "MODIFIED" : "REMOVED");
    }

    private static void replace(Attribute attribute, String value) throws DicomException {
        attribute.removeValues();
        attribute.addValue(value);
    }

    private static void put(AttributeList list, Attribute attribute, String value) throws DicomException {
        attribute.addValue(value);
        list.put(attribute);
    }

    private static String[] strings(Attribute attribute) throws DicomException {
        if (attribute == null) {
            return new String[0];
        }
        String[] values = attribute.getStringValues();
        return values == null ? new String[0] : values;
    }

    private static String value(AttributeList list, AttributeTag tag) {
        return Attribute.getSingleStringValueOrEmptyString(list, tag).trim();
    }

    private static int tag(AttributeTag tag) {
        return tag.getGroup() << 16 | tag.getElement();
    }
}

package org.osteonode.deid;

import org.osteonode.config.DeidOptions;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * PS3.15 Table E.1-1, read from the standard's own table (resource {@code confidentiality_profile_attributes.json},
 * see the README beside it), resolved against the options in force into one {@link Action} per attribute.
 */
public final class ConfidentialityProfile {
    private static final String TABLE = "confidentiality_profile_attributes.json";

    /** What to do with an attribute; the letters of the table, with the combinations left for later. */
    public enum Action {
        /** X: remove. */
        REMOVE,
        /** Z: zero length (or dummy). */
        EMPTY,
        /** D: a dummy value consistent with the VR. */
        DUMMY,
        /** K: keep (a sequence's items are still processed). */
        KEEP,
        /** C: clean (descriptors: keep safe words; dates: shift; sequences: process items). */
        CLEAN,
        /** U: a UID consistent within the set of instances. */
        REPLACE_UID,
        /** X/Z, X/D, X/Z/D: remove, unless the IOD requires the attribute (then Z or D). */
        REMOVE_UNLESS_REQUIRED,
        /** Z/D: zero length, unless the IOD requires a value (then D). */
        EMPTY_UNLESS_REQUIRED,
        /** X/Z/U*: a sequence of references; osteonode keeps it and replaces the UIDs inside (U). */
        REPLACE_UIDS_INSIDE,
        /** Not in the table: a standard attribute the profile does not act on. */
        NOT_LISTED
    }

    /** Where an option changed the action; a cleaner needs to know what kind of cleaning it is. */
    public enum Reason { BASIC, CLEAN_DESCRIPTORS, PATIENT_CHARACTERISTICS, DEVICE_IDENTITY, INSTITUTION_IDENTITY,
        MODIFIED_DATES, UIDS, SAFE_PRIVATE }

    public record Resolution(Action action, Reason reason, String name) {
    }

    private static final Resolution NOT_LISTED = new Resolution(Action.NOT_LISTED, Reason.BASIC, "");

    private final Map<Integer, Resolution> byTag = new HashMap<>();
    private final Resolution curveData;
    private final Resolution overlayData;
    private final Resolution overlayComments;
    private final Resolution privateAttributes;

    public ConfidentialityProfile(DeidOptions options) {
        JsonNode rows = readTable();
        Resolution curve = null;
        Resolution overlay = null;
        Resolution overlayComment = null;
        Resolution privateRow = null;
        for (JsonNode row : rows) {
            String tag = row.get("tag").asText().toUpperCase();
            Resolution resolution = resolve(row, options);
            switch (tag) {
                case "(50XX,XXXX)" -> curve = resolution;
                case "(60XX,3000)" -> overlay = resolution;
                case "(60XX,4000)" -> overlayComment = resolution;
                case "(GGGG,EEEE) WHERE GGGG IS ODD" -> privateRow = resolution;
                default -> byTag.put(parseTag(tag), resolution);
            }
        }
        if (curve == null || overlay == null || overlayComment == null || privateRow == null) {
            throw new IllegalStateException(TABLE + " lacks the curve, overlay or private attribute rows");
        }
        this.curveData = curve;
        this.overlayData = overlay;
        this.overlayComments = overlayComment;
        this.privateAttributes = privateRow;
    }

    /** The resolved action for a data element tag (group and element packed as {@code group << 16 | element}). */
    public Resolution resolve(int group, int element) {
        if ((group & 1) == 1) {
            return privateAttributes;
        }
        if ((group & 0xFF00) == 0x5000) {
            return curveData;
        }
        if ((group & 0xFF00) == 0x6000 && element == 0x3000) {
            return overlayData;
        }
        if ((group & 0xFF00) == 0x6000 && element == 0x4000) {
            return overlayComments;
        }
        return byTag.getOrDefault(group << 16 | element, NOT_LISTED);
    }

    public int size() {
        return byTag.size() + 4;
    }

    /**
     * The Basic Profile action, overridden by each option in force that has an action for this row.
     * Options that retain (K) and options that clean (C) never meet on one row in Table E.1-1 for the options
     * osteonode offers, except Clean Descriptors with Retain Patient Characteristics (both C).
     */
    private static Resolution resolve(JsonNode row, DeidOptions options) {
        String name = row.get("name").asText();
        Action action = basic(row.get("basicProfile").asText());
        Reason reason = Reason.BASIC;
        for (Option option : Option.inForce(options)) {
            JsonNode value = row.get(option.column());
            if (value == null) {
                continue;
            }
            action = switch (value.asText()) {
                case "K" -> Action.KEEP;
                case "C" -> Action.CLEAN;
                default -> throw new IllegalStateException(TABLE + ": unexpected option action '" + value.asText()
                        + "' for " + name);
            };
            reason = option.reason();
        }
        return new Resolution(action, reason, name);
    }

    /** An option column of Table E.1-1 (its name in the JSON) and whether osteonode applies it. */
    private record Option(String column, boolean on, Reason reason) {
        static List<Option> inForce(DeidOptions options) {
            return Stream.of(
                    new Option("cleanDescOpt", options.cleanDescriptors(), Reason.CLEAN_DESCRIPTORS),
                    new Option("rtnPatCharsOpt", options.retainPatientCharacteristics(), Reason.PATIENT_CHARACTERISTICS),
                    new Option("rtnDevIdOpt", options.retainDeviceIdentity(), Reason.DEVICE_IDENTITY),
                    new Option("rtnInstIdOpt", options.retainInstitutionIdentity(), Reason.INSTITUTION_IDENTITY),
                    new Option("rtnLongModifDatesOpt", options.retainLongitudinalModifiedDates(), Reason.MODIFIED_DATES),
                    new Option("rtnUIDsOpt", options.retainUids(), Reason.UIDS),
                    new Option("rtnSafePrivOpt", options.retainSafePrivate(), Reason.SAFE_PRIVATE))
                    .filter(Option::on)
                    .toList();
        }
    }

    private static Action basic(String code) {
        return switch (code) {
            case "X" -> Action.REMOVE;
            case "Z" -> Action.EMPTY;
            case "D" -> Action.DUMMY;
            case "K" -> Action.KEEP;
            case "C" -> Action.CLEAN;
            case "U" -> Action.REPLACE_UID;
            case "X/Z", "X/D", "X/Z/D" -> Action.REMOVE_UNLESS_REQUIRED;
            case "Z/D" -> Action.EMPTY_UNLESS_REQUIRED;
            case "X/Z/U*" -> Action.REPLACE_UIDS_INSIDE;
            default -> throw new IllegalStateException(TABLE + ": unknown Basic Profile action '" + code + "'");
        };
    }

    private static int parseTag(String tag) {
        // "(GGGG,EEEE)"
        if (tag.length() != 11 || tag.charAt(0) != '(' || tag.charAt(5) != ',' || tag.charAt(10) != ')') {
            throw new IllegalStateException(TABLE + ": cannot read tag " + tag);
        }
        return Integer.parseInt(tag.substring(1, 5), 16) << 16 | Integer.parseInt(tag.substring(6, 10), 16);
    }

    private static JsonNode readTable() {
        try (InputStream in = ConfidentialityProfile.class.getResourceAsStream(TABLE)) {
            if (in == null) {
                throw new IllegalStateException(TABLE + " is missing from the class path");
            }
            return new ObjectMapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

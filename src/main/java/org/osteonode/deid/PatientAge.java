package org.osteonode.deid;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.TagFromName;

import java.time.LocalDate;
import java.time.Period;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.OptionalInt;

/** The patient's age in whole years, read before the birth date is removed; and its safe-harbour forms. */
public final class PatientAge {
    /** HIPAA safe harbour: ages over 89 are aggregated into one category. */
    public static final int OLDEST_REPORTED = 90;

    private static final List<AttributeTag> EXAMINATION_DATES = List.of(TagFromName.StudyDate, TagFromName.SeriesDate,
            TagFromName.AcquisitionDate, TagFromName.ContentDate);

    private PatientAge() {
    }

    /** From Patient's Age (AS), else from Patient's Birth Date and the first examination date present. */
    public static OptionalInt years(AttributeList list) {
        OptionalInt stated = fromAgeString(Attribute.getSingleStringValueOrEmptyString(list, TagFromName.PatientAge));
        if (stated.isPresent()) {
            return stated;
        }
        LocalDate birth = date(Attribute.getSingleStringValueOrEmptyString(list, TagFromName.PatientBirthDate));
        if (birth == null) {
            return OptionalInt.empty();
        }
        for (AttributeTag tag : EXAMINATION_DATES) {
            LocalDate examination = date(Attribute.getSingleStringValueOrEmptyString(list, tag));
            if (examination != null && !examination.isBefore(birth)) {
                return OptionalInt.of(Period.between(birth, examination).getYears());
            }
        }
        return OptionalInt.empty();
    }

    /** An AS value; 90 and over become {@code 090Y}. */
    public static String ageString(int years) {
        return String.format("%03dY", Math.min(years, OLDEST_REPORTED));
    }

    /** Decades, and {@code 90+}. */
    public static String band(int years) {
        if (years >= OLDEST_REPORTED) {
            return "90+";
        }
        int decade = years / 10 * 10;
        return decade + "-" + (decade + 9);
    }

    static OptionalInt fromAgeString(String value) {
        String age = value.trim();
        if (age.length() != 4 || !age.substring(0, 3).chars().allMatch(Character::isDigit)) {
            return OptionalInt.empty();
        }
        int number = Integer.parseInt(age.substring(0, 3));
        return switch (age.charAt(3)) {
            case 'Y' -> OptionalInt.of(number);
            case 'M' -> OptionalInt.of(number / 12);
            case 'W' -> OptionalInt.of(number / 52);
            case 'D' -> OptionalInt.of(number / 365);
            default -> OptionalInt.empty();
        };
    }

    private static LocalDate date(String value) {
        String digits = value.trim();
        if (digits.length() != 8) {
            return null;
        }
        try {
            return LocalDate.parse(digits, DateTimeFormatter.BASIC_ISO_DATE);
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}

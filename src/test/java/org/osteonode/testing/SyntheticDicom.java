package org.osteonode.testing;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.CodeStringAttribute;
import com.pixelmed.dicom.DateAttribute;
import com.pixelmed.dicom.DecimalStringAttribute;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.FileMetaInformation;
import com.pixelmed.dicom.IntegerStringAttribute;
import com.pixelmed.dicom.LongStringAttribute;
import com.pixelmed.dicom.OtherWordAttribute;
import com.pixelmed.dicom.PersonNameAttribute;
import com.pixelmed.dicom.SOPClass;
import com.pixelmed.dicom.ShortStringAttribute;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.TimeAttribute;
import com.pixelmed.dicom.TransferSyntax;
import com.pixelmed.dicom.UniqueIdentifierAttribute;
import com.pixelmed.dicom.UnsignedShortAttribute;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

/**
 * Synthetic radiographs for tests and benchmarks, written with PixelMed: a DX (for presentation) image with
 * patient, study and series attributes and a smooth 12-bit pattern. Nothing here is real patient data.
 */
public final class SyntheticDicom {
    private String sopClassUid = SOPClass.DigitalXRayImageStorageForPresentation;
    private String modality = "DX";
    private String patientId = "SYN0001";
    private String patientName = "SYNTHETIC^PATIENT";
    private String studyInstanceUid = newUid();
    private String seriesInstanceUid = newUid();
    private String sopInstanceUid = newUid();
    private String bodyPartExamined = "LSPINE";
    private String birthDate = "19500101";
    private String sex = "F";
    private int instanceNumber = 1;
    /** Recent, so that the clinical path (osteonode.clinical.max-study-age-days) scores it. */
    private String studyDate = java.time.LocalDate.now().minusDays(2).format(java.time.format.DateTimeFormatter.BASIC_ISO_DATE);
    private int rows = 256;
    private int columns = 256;
    private boolean withoutStudyInstanceUid;

    public static SyntheticDicom radiograph() {
        return new SyntheticDicom();
    }

    /** A 2.25 UID from a random UUID (PS3.5 B.2). */
    public static String newUid() {
        UUID uuid = UUID.randomUUID();
        BigInteger value = new BigInteger(1, toBytes(uuid));
        return "2.25." + value;
    }

    private static byte[] toBytes(UUID uuid) {
        byte[] bytes = new byte[16];
        long msb = uuid.getMostSignificantBits();
        long lsb = uuid.getLeastSignificantBits();
        for (int i = 0; i < 8; i++) {
            bytes[i] = (byte) (msb >>> (56 - 8 * i));
            bytes[8 + i] = (byte) (lsb >>> (56 - 8 * i));
        }
        return bytes;
    }

    public SyntheticDicom patient(String id, String name) {
        this.patientId = id;
        this.patientName = name;
        return this;
    }

    public SyntheticDicom study(String uid) {
        this.studyInstanceUid = uid;
        return this;
    }

    public SyntheticDicom series(String uid) {
        this.seriesInstanceUid = uid;
        return this;
    }

    public SyntheticDicom instance(int number) {
        this.instanceNumber = number;
        this.sopInstanceUid = newUid();
        return this;
    }

    /** Another object under a SOP Instance UID already used: a duplicate as some archives send them. */
    public SyntheticDicom sopInstance(String uid) {
        this.sopInstanceUid = uid;
        return this;
    }

    /** Modality only (the SOP Class stays DX): enough for what keys on Modality, such as the research scope. */
    public SyntheticDicom modality(String modality) {
        this.modality = modality;
        return this;
    }

    /** Birth date (YYYYMMDD) and sex: what the age and sex labels come from. */
    public SyntheticDicom born(String birthDate, String sex) {
        this.birthDate = birthDate;
        this.sex = sex;
        return this;
    }

    public SyntheticDicom studyDate(String date) {
        this.studyDate = date;
        return this;
    }

    public SyntheticDicom computedRadiography() {
        this.sopClassUid = SOPClass.ComputedRadiographyImageStorage;
        this.modality = "CR";
        return this;
    }

    public SyntheticDicom bodyPart(String bodyPart) {
        this.bodyPartExamined = bodyPart;
        return this;
    }

    public SyntheticDicom size(int rows, int columns) {
        this.rows = rows;
        this.columns = columns;
        return this;
    }

    /** A data set a receiver must refuse: it has no Study Instance UID. */
    public SyntheticDicom withoutStudyInstanceUid() {
        this.withoutStudyInstanceUid = true;
        return this;
    }

    public String sopInstanceUid() {
        return sopInstanceUid;
    }

    public String studyInstanceUid() {
        return studyInstanceUid;
    }

    public AttributeList attributes() throws DicomException {
        PlantedPhi.add(patientId, patientName, studyInstanceUid, seriesInstanceUid, sopInstanceUid);
        AttributeList list = new AttributeList();
        put(list, new CodeStringAttribute(TagFromName.SpecificCharacterSet), "ISO_IR 100");
        put(list, new CodeStringAttribute(TagFromName.ImageType), "ORIGINAL\\PRIMARY");
        put(list, new UniqueIdentifierAttribute(TagFromName.SOPClassUID), sopClassUid);
        put(list, new UniqueIdentifierAttribute(TagFromName.SOPInstanceUID), sopInstanceUid);
        put(list, new DateAttribute(TagFromName.StudyDate), studyDate);
        put(list, new DateAttribute(TagFromName.ContentDate), studyDate);
        put(list, new TimeAttribute(TagFromName.StudyTime), "093000");
        put(list, new TimeAttribute(TagFromName.ContentTime), "093012");
        put(list, new ShortStringAttribute(TagFromName.AccessionNumber), "ACC" + Math.abs(studyInstanceUid.hashCode()));
        put(list, new CodeStringAttribute(TagFromName.Modality), modality);
        put(list, new CodeStringAttribute(TagFromName.PresentationIntentType), "FOR PRESENTATION");
        put(list, new LongStringAttribute(TagFromName.Manufacturer), "osteonode synthetic");
        put(list, new PersonNameAttribute(TagFromName.ReferringPhysicianName), "REFERRER^SYNTHETIC");
        put(list, new PersonNameAttribute(TagFromName.PatientName), patientName);
        put(list, new LongStringAttribute(TagFromName.PatientID), patientId);
        put(list, new DateAttribute(TagFromName.PatientBirthDate), birthDate);
        put(list, new CodeStringAttribute(TagFromName.PatientSex), sex);
        put(list, new CodeStringAttribute(TagFromName.BodyPartExamined), bodyPartExamined);
        put(list, new CodeStringAttribute(TagFromName.ViewPosition), "AP");
        put(list, new DecimalStringAttribute(TagFromName.ImagerPixelSpacing), "0.15\\0.15");
        if (!withoutStudyInstanceUid) {
            put(list, new UniqueIdentifierAttribute(TagFromName.StudyInstanceUID), studyInstanceUid);
        }
        put(list, new UniqueIdentifierAttribute(TagFromName.SeriesInstanceUID), seriesInstanceUid);
        put(list, new ShortStringAttribute(TagFromName.StudyID), "1");
        put(list, new IntegerStringAttribute(TagFromName.SeriesNumber), "1");
        put(list, new IntegerStringAttribute(TagFromName.InstanceNumber), Integer.toString(instanceNumber));
        put(list, new CodeStringAttribute(TagFromName.PatientOrientation), "L\\F");
        put(list, new CodeStringAttribute(TagFromName.BurnedInAnnotation), "NO");
        put(list, new CodeStringAttribute(TagFromName.LossyImageCompression), "00");
        put(list, new CodeStringAttribute(TagFromName.PhotometricInterpretation), "MONOCHROME2");
        put(list, new CodeStringAttribute(new AttributeTag(0x0028, 0x1040)), "LIN");
        putShort(list, new AttributeTag(0x0028, 0x1041), 1);
        put(list, new DecimalStringAttribute(TagFromName.RescaleIntercept), "0");
        put(list, new DecimalStringAttribute(TagFromName.RescaleSlope), "1");
        put(list, new LongStringAttribute(TagFromName.RescaleType), "US");
        put(list, new DecimalStringAttribute(TagFromName.WindowCenter), "2048");
        put(list, new DecimalStringAttribute(TagFromName.WindowWidth), "4096");
        putShort(list, TagFromName.SamplesPerPixel, 1);
        putShort(list, TagFromName.Rows, rows);
        putShort(list, TagFromName.Columns, columns);
        putShort(list, TagFromName.BitsAllocated, 16);
        putShort(list, TagFromName.BitsStored, 12);
        putShort(list, TagFromName.HighBit, 11);
        putShort(list, TagFromName.PixelRepresentation, 0);
        OtherWordAttribute pixels = new OtherWordAttribute(TagFromName.PixelData);
        pixels.setValues(pattern());
        list.put(pixels);
        return list;
    }

    private short[] pattern() {
        short[] values = new short[rows * columns];
        int seed = instanceNumber * 37;
        for (int y = 0; y < rows; y++) {
            for (int x = 0; x < columns; x++) {
                values[y * columns + x] = (short) (((x * 3 + y * 5 + seed) ^ (x * y >> 6)) & 0x0fff);
            }
        }
        return values;
    }

    /** Writes a Part 10 file in the given transfer syntax (uncompressed ones). */
    public Path write(Path file, String transferSyntax) throws IOException, DicomException {
        AttributeList list = attributes();
        FileMetaInformation.addFileMetaInformation(list, transferSyntax, "OSTEONODETEST");
        Files.createDirectories(file.toAbsolutePath().getParent());
        list.write(file.toFile(), transferSyntax, true, true);
        return file;
    }

    public Path write(Path file) throws IOException, DicomException {
        return write(file, TransferSyntax.ExplicitVRLittleEndian);
    }

    /** Puts the attribute with its values (one or several: they make a multi-valued attribute). */
    public static void put(AttributeList list, Attribute attribute, String... values) throws DicomException {
        for (String value : values) {
            attribute.addValue(value);
        }
        list.put(attribute);
    }

    public static void putShort(AttributeList list, AttributeTag tag, int value) throws DicomException {
        UnsignedShortAttribute attribute = new UnsignedShortAttribute(tag);
        attribute.addValue(value);
        list.put(attribute);
    }

    /** {@code SyntheticDicom OUT_DIR COUNT ROWS COLUMNS}: the benchmark's data set, one study per 10 images. */
    public static void main(String[] args) throws Exception {
        Path out = Path.of(args[0]);
        int count = Integer.parseInt(args[1]);
        int rows = Integer.parseInt(args[2]);
        int columns = Integer.parseInt(args[3]);
        String study = newUid();
        for (int i = 1; i <= count; i++) {
            if (i % 10 == 1) {
                study = newUid();
            }
            radiograph().patient(String.format("BENCH%04d", (i - 1) / 10), "BENCH^PATIENT")
                    .study(study).instance(i).size(rows, columns)
                    .write(out.resolve(String.format("img%05d.dcm", i)));
        }
    }
}

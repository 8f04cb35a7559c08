package org.osteonode.ingest;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.TagFromName;
import org.osteonode.dicom.EncodedHeader;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The attributes of a received object that routing and indexing need, read once from its header.
 * Holds identifiers (PHI): {@link #toString()} shows none of them, so it is safe in logs.
 */
public record InstanceHeader(
        String transferSyntaxUid,
        String sopClassUid,
        String sopInstanceUid,
        String studyInstanceUid,
        String seriesInstanceUid,
        String patientId,
        String issuerOfPatientId,
        String modality,
        String sourceAeTitle,
        EncodedHeader encoded) {

    /**
     * Reads the File Meta Information and the data set up to, not including, Pixel Data: from disk once, the
     * paths then parse their own copies from {@link #encoded()}.
     */
    public static InstanceHeader read(Path file) throws UnreadableObjectException {
        EncodedHeader encoded;
        AttributeList list;
        try {
            encoded = EncodedHeader.read(file);
            list = encoded.attributes();
        } catch (IOException | DicomException | RuntimeException e) {
            throw new UnreadableObjectException("not parseable as DICOM (" + e.getClass().getSimpleName() + ")");
        } catch (OutOfMemoryError e) {
            // A corrupt value length makes the parser ask for one huge array; that allocation fails alone and
            // leaves the heap as it was, so the node can refuse this object and keep serving.
            throw new UnreadableObjectException("not parseable as DICOM (a value length exceeds the object)");
        }
        InstanceHeader header = new InstanceHeader(
                value(list, TagFromName.TransferSyntaxUID),
                value(list, TagFromName.SOPClassUID),
                value(list, TagFromName.SOPInstanceUID),
                value(list, TagFromName.StudyInstanceUID),
                value(list, TagFromName.SeriesInstanceUID),
                value(list, TagFromName.PatientID),
                value(list, TagFromName.IssuerOfPatientID),
                value(list, TagFromName.Modality),
                value(list, TagFromName.SourceApplicationEntityTitle),
                encoded);
        header.requirePresent();
        requireAllThePixels(list, encoded);
        return header;
    }

    /**
     * Native Pixel Data must hold what the Image Pixel Module says: Rows × Columns × Samples per Pixel × Number of
     * Frames samples of Bits Allocated bits. (Encapsulated Pixel Data is checked when it is decoded.)
     */
    private static void requireAllThePixels(AttributeList list, EncodedHeader encoded) throws UnreadableObjectException {
        String transferSyntax = value(list, TagFromName.TransferSyntaxUID);
        boolean explicitLittle = transferSyntax.equals("1.2.840.10008.1.2.1");
        boolean implicit = transferSyntax.equals("1.2.840.10008.1.2");
        boolean explicitBig = transferSyntax.equals("1.2.840.10008.1.2.2");
        // subsampled colour (YBR_..._422/420) holds fewer samples than Samples per Pixel says: not checked here
        boolean subsampled = value(list, TagFromName.PhotometricInterpretation).matches("YBR_.*_42[02]");
        if (encoded.pixelDataOffset() < 0 || !(explicitLittle || implicit || explicitBig) || subsampled) {
            return;
        }
        long bits = (long) Attribute.getSingleIntegerValueOrDefault(list, TagFromName.Rows, 0)
                * Attribute.getSingleIntegerValueOrDefault(list, TagFromName.Columns, 0)
                * Attribute.getSingleIntegerValueOrDefault(list, TagFromName.SamplesPerPixel, 1)
                * Math.max(1, Attribute.getSingleIntegerValueOrDefault(list, TagFromName.NumberOfFrames, 1))
                * Attribute.getSingleIntegerValueOrDefault(list, TagFromName.BitsAllocated, 0);
        long needed = (bits + 7) / 8;
        ByteBuffer element = ByteBuffer.allocate(12).order(explicitBig ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
        try (FileChannel channel = FileChannel.open(encoded.file(), StandardOpenOption.READ)) {
            channel.read(element, encoded.pixelDataOffset());
        } catch (IOException e) {
            throw new UnreadableObjectException("Pixel Data not readable (" + e.getClass().getSimpleName() + ")");
        }
        long length = Integer.toUnsignedLong(element.getInt(implicit ? 4 : 8));
        if (length != 0xFFFFFFFFL && length < needed) {
            throw new UnreadableObjectException("Pixel Data holds " + length + " bytes where Rows, Columns, Samples "
                    + "per Pixel, Number of Frames and Bits Allocated need " + needed);
        }
    }

    private void requirePresent() throws UnreadableObjectException {
        if (transferSyntaxUid.isEmpty()) {
            throw new UnreadableObjectException("no Transfer Syntax UID in the File Meta Information");
        }
        if (sopClassUid.isEmpty() || sopInstanceUid.isEmpty()) {
            throw new UnreadableObjectException("no SOP Class UID or SOP Instance UID in the data set");
        }
        if (studyInstanceUid.isEmpty() || seriesInstanceUid.isEmpty()) {
            throw new UnreadableObjectException("no Study Instance UID or Series Instance UID in the data set");
        }
    }

    private static String value(AttributeList list, AttributeTag tag) {
        return Attribute.getSingleStringValueOrEmptyString(list, tag).trim();
    }

    @Override
    public String toString() {
        return "InstanceHeader[sopClassUid=" + sopClassUid + ", modality=" + modality
                + ", transferSyntaxUid=" + transferSyntaxUid + "]";
    }
}

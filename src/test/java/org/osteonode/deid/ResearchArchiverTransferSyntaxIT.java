package org.osteonode.deid;

import org.osteonode.research.ResearchArchiver;
import org.osteonode.config.DeidOptions;
import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.DicomInputStream;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.TransferSyntax;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.osteonode.testing.Encodings;
import org.osteonode.store.Archive;
import org.osteonode.testing.Dcmtk;
import org.osteonode.testing.SyntheticDicom;

import java.io.BufferedInputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** De-identification keeps the transfer syntax and the pixel data byte for byte, in every syntax received. */
class ResearchArchiverTransferSyntaxIT {
    @TempDir
    Path temp;

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.osteonode.testing.Encodings#lossless")
    void pixelDataIsCopiedUnchangedInTheOriginalTransferSyntax(Encodings encoding) throws Exception {
        Path original = SyntheticDicom.radiograph().size(96, 128).write(temp.resolve("original.dcm"));
        Path encoded = encoding.encode(original, temp.resolve("encoded.dcm"));
        String transferSyntax = encoding.transferSyntaxUid();
        ResearchArchiver archiver = ResearchArchiver.create(DeidOptions.defaults(),
                new Pseudonymizer("transfer-syntax-secret-transfer-syntax".getBytes(StandardCharsets.UTF_8)),
                new Archive(temp.resolve("out"), temp.resolve("scratch"), true), "OSTEONODE");

        ResearchArchiver.Outcome outcome = archiver.archive(encoded);

        Path archived = ((ResearchArchiver.Outcome.Archived) outcome).file();
        AttributeList output = readUpToPixelData(archived);
        assertThat(Attribute.getSingleStringValueOrEmptyString(output, TagFromName.TransferSyntaxUID))
                .isEqualTo(transferSyntax);
        assertThat(Attribute.getSingleStringValueOrEmptyString(output, TagFromName.PatientIdentityRemoved))
                .isEqualTo("YES");
        if (new TransferSyntax(transferSyntax).isDeflated()) {
            assertThat(readAll(archived).get(TagFromName.PixelData).getShortValues())
                    .isEqualTo(readAll(encoded).get(TagFromName.PixelData).getShortValues());
        } else {
            assertThat(pixelDataElement(archived, transferSyntax)).isEqualTo(pixelDataElement(encoded, transferSyntax));
        }
        assertThat(Dcmtk.run(List.of("dcmdump", "-q", archived.toString())).exitCode()).isZero();
    }

    private static byte[] pixelDataElement(Path file, String transferSyntax) throws Exception {
        long stoppedAt;
        try (DicomInputStream in = new DicomInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
            stoppedAt = new AttributeList().read(in, TagFromName.PixelData);
        }
        PixelDataElement element = PixelDataElement.locate(file, stoppedAt - 4, transferSyntax);
        ByteBuffer bytes = ByteBuffer.allocate((int) element.length());
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            channel.read(bytes, element.offset());
        }
        return bytes.array();
    }

    /** PixelMed decompresses pixel data when it reads it whole; the header is what is checked here. */
    private static AttributeList readUpToPixelData(Path file) throws Exception {
        AttributeList list = new AttributeList();
        try (DicomInputStream in = new DicomInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
            list.read(in, TagFromName.PixelData);
        }
        return list;
    }

    private static AttributeList readAll(Path file) throws Exception {
        AttributeList list = new AttributeList();
        list.read(file.toFile());
        return list;
    }
}

package org.osteonode.report;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.FileMetaInformation;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.TransferSyntax;
import com.pixelmed.validate.DicomSRValidator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osteonode.testing.Dcmtk;
import org.osteonode.testing.SyntheticDicom;

import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The report is valid DICOM (dciodvfy) and valid TID 1500 (PixelMed's SR validator), and files into the study. */
class OsteoporosisReportIT {
    @TempDir
    Path temp;

    @Test
    void reportIsValidAndFilesIntoTheSourceStudy() throws Exception {
        SyntheticDicom first = SyntheticDicom.radiograph().patient("MRN1234", "DOE^JANE").instance(1);
        AttributeList source = first.attributes();
        String series = Attribute.getSingleStringValueOrEmptyString(source, TagFromName.SeriesInstanceUID);
        List<OsteoporosisReport.SourceImage> images = List.of(
                new OsteoporosisReport.SourceImage("1.2.840.10008.5.1.4.1.1.1.1", first.sopInstanceUid(), series),
                new OsteoporosisReport.SourceImage("1.2.840.10008.5.1.4.1.1.1.1", SyntheticDicom.newUid(), series));
        OsteoporosisReport.Result result = new OsteoporosisReport.Result(source, images, 0.73, true,
                Codes.Anatomy.LSPINE, new OsteoporosisReport.Algorithm("osteonode demo", "0.1.0",
                SyntheticDicom.newUid(), "osteonode project"), 1, SyntheticDicom.newUid(), SyntheticDicom.newUid(),
                SyntheticDicom.newUid(), LocalDateTime.of(2026, 11, 26, 10, 30));

        AttributeList report = OsteoporosisReport.build(result);
        Path file = temp.resolve("sr.dcm");
        FileMetaInformation.addFileMetaInformation(report, TransferSyntax.ExplicitVRLittleEndian, "OSTEONODE");
        report.write(file.toFile(), TransferSyntax.ExplicitVRLittleEndian, true, true);

        Dcmtk.Result dciodvfy = Dcmtk.run(List.of("dciodvfy", file.toString()));
        List<String> errors = dciodvfy.output().lines().filter(l -> l.startsWith("Error")).toList();
        assertThat(errors).as(dciodvfy.output()).isEmpty();
        // PixelMed's compiled XSLT exceeds the JDK's default XPath limits (JAXP0801003); lift them for the validator.
        System.setProperty("jdk.xml.xpathExprOpLimit", "0");
        System.setProperty("jdk.xml.xpathExprGrpLimit", "0");
        System.setProperty("jdk.xml.xpathTotalOpLimit", "0");
        String pixelmed = new DicomSRValidator().validate(report);
        assertThat(pixelmed).as(pixelmed).doesNotContain("Error").contains("Found Root Template TID_1500");
        assertThat(Attribute.getSingleStringValueOrEmptyString(report, TagFromName.StudyInstanceUID))
                .isEqualTo(first.studyInstanceUid());
        assertThat(Attribute.getSingleStringValueOrEmptyString(report, TagFromName.PatientID)).isEqualTo("MRN1234");
    }
}

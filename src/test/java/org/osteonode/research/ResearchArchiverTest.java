package org.osteonode.research;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.TagFromName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osteonode.config.DeidOptions;
import org.osteonode.deid.Pseudonymizer;
import org.osteonode.dicom.EncodedHeader;
import org.osteonode.store.Archive;
import org.osteonode.testing.SyntheticDicom;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class ResearchArchiverTest {
    @TempDir
    Path temp;

    @Test
    void theArchivedFileIsFiledUnderItsKeysNamesThisNodeAndKeepsThePixelsByteForByte() throws Exception {
        Pseudonymizer pseudonymizer = new Pseudonymizer("a test secret of at least thirty-two bytes".getBytes(StandardCharsets.UTF_8));
        Archive archive = new Archive(temp.resolve("archive"), temp.resolve("scratch"), true);
        ResearchArchiver archiver = ResearchArchiver.create(DeidOptions.defaults(), pseudonymizer, archive, "NODE7");
        SyntheticDicom radiograph = SyntheticDicom.radiograph().size(24, 16);
        Path original = radiograph.write(temp.resolve("in.dcm"));

        ResearchArchiver.Outcome outcome = archiver.archive(EncodedHeader.read(original));

        assertThat(outcome).isInstanceOf(ResearchArchiver.Outcome.Archived.class);
        Path file = ((ResearchArchiver.Outcome.Archived) outcome).file();
        assertThat(file.getFileName().toString()).isEqualTo(pseudonymizer.uid(radiograph.sopInstanceUid()) + ".dcm");
        assertThat(file.getParent().getParent().getFileName().toString())
                .isEqualTo(pseudonymizer.uid(radiograph.studyInstanceUid()));
        AttributeList archived = read(file);
        assertThat(Attribute.getSingleStringValueOrEmptyString(archived, TagFromName.SourceApplicationEntityTitle))
                .isEqualTo("NODE7");
        assertThat(archived.get(TagFromName.PixelData).getShortValues())
                .containsExactly(read(original).get(TagFromName.PixelData).getShortValues());
    }

    private static AttributeList read(Path file) throws Exception {
        AttributeList list = new AttributeList();
        list.read(file.toFile());
        return list;
    }
}

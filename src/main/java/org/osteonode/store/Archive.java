package org.osteonode.store;

import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.FileMetaInformation;
import org.osteonode.deid.DeidentifiedObject;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * De-identified objects, one {@code .dcm} file each, under pseudonymous folders:
 * {@code <patient>/<study>/<series>/<SOP instance>.dcm}, and nothing else. A file appears whole or not at
 * all (written beside the archive, fsync'ed, renamed in), so a reader never sees half an object.
 */
public final class Archive {
    /** Source AE title of the new File Meta Information: the de-identified file comes from osteonode. */
    private static final String SOURCE_AE_TITLE = "OSTEONODE";

    private final Path dir;
    private final Path scratch;

    /** @param scratch a directory on the same file system, outside the archive, for files being written */
    public Archive(Path dir, Path scratch) {
        this.dir = dir;
        this.scratch = scratch;
        try {
            Files.createDirectories(dir);
            Files.createDirectories(scratch);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create archive directory " + dir, e);
        }
    }

    public Path dir() {
        return dir;
    }

    public Path pathOf(DeidentifiedObject object) {
        return dir.resolve(object.patientKey()).resolve(object.studyKey()).resolve(object.seriesKey())
                .resolve(object.sopInstanceKey() + ".dcm");
    }

    /** Writes the object in the given transfer syntax (its original one: pixels are never re-encoded). */
    public Path write(DeidentifiedObject object, String transferSyntaxUid) throws IOException, DicomException {
        Path target = pathOf(object);
        FileMetaInformation.addFileMetaInformation(object.attributes(), transferSyntaxUid, SOURCE_AE_TITLE);
        Path part = Files.createTempFile(scratch, "archive-", ".part");
        try {
            object.attributes().write(part.toFile(), transferSyntaxUid, true, true);
            try (FileChannel written = FileChannel.open(part, StandardOpenOption.WRITE)) {
                written.force(true);
            }
        } catch (IOException | DicomException | RuntimeException e) {
            Files.deleteIfExists(part);
            throw e;
        }
        Files.createDirectories(target.getParent());
        Files.move(part, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        try (FileChannel directory = FileChannel.open(target.getParent(), StandardOpenOption.READ)) {
            directory.force(true);
        }
        return target;
    }
}

package org.osteonode.store;

import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.FileMetaInformation;
import org.osteonode.deid.DeidentifiedObject;
import org.osteonode.deid.PixelDataElement;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
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
    private final boolean durable;

    /**
     * @param scratch a directory on the same file system, outside the archive, for files being written
     * @param durable fsync each file and its directory before returning: the node deletes its spool copy next
     */
    public Archive(Path dir, Path scratch, boolean durable) {
        this.dir = dir;
        this.scratch = scratch;
        this.durable = durable;
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

    /**
     * Writes the object in its original transfer syntax: pixels are never re-encoded.
     *
     * @param pixels the original's Pixel Data element, copied byte for byte after the de-identified attributes;
     *               null when the attributes hold the pixel data themselves
     */
    public Path write(DeidentifiedObject object, String transferSyntaxUid, PixelDataElement pixels)
            throws IOException, DicomException {
        Path target = pathOf(object);
        FileMetaInformation.addFileMetaInformation(object.attributes(), transferSyntaxUid, SOURCE_AE_TITLE);
        ByteArrayOutputStream attributes = new ByteArrayOutputStream(pixels == null ? 1 << 20 : 16 << 10);
        object.attributes().write(attributes, transferSyntaxUid, true, false);
        Path part = Files.createTempFile(scratch, "archive-", ".part");
        try (FileChannel out = FileChannel.open(part, StandardOpenOption.WRITE)) {
            ByteBuffer head = ByteBuffer.wrap(attributes.toByteArray());
            while (head.hasRemaining()) {
                out.write(head);
            }
            if (pixels != null) {
                copy(pixels, out);
            }
            if (durable) {
                out.force(true);
            }
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(part);
            throw e;
        }
        Files.createDirectories(target.getParent());
        Files.move(part, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        if (durable) {
            try (FileChannel directory = FileChannel.open(target.getParent(), StandardOpenOption.READ)) {
                directory.force(true);
            }
        }
        return target;
    }

    /** In-kernel copy where the platform allows (transferTo), without the pixels passing through the heap. */
    private static void copy(PixelDataElement pixels, FileChannel out) throws IOException {
        try (FileChannel in = FileChannel.open(pixels.file(), StandardOpenOption.READ)) {
            long position = pixels.offset();
            long end = pixels.offset() + pixels.length();
            while (position < end) {
                position += in.transferTo(position, end - position, out);
            }
        }
    }
}

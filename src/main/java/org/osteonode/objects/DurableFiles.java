package org.osteonode.objects;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * The two calls that make a local file durable, for every writer of the node (the spool, the archive, the file
 * object store): the file's bytes, then the directory entry that names it. A file written beside its target,
 * forced, renamed into place and its directory forced is there whole after a crash, or not at all.
 */
public final class DurableFiles {
    private DurableFiles() {
    }

    /** Forces a file's content and metadata to disk (fsync). */
    public static void force(FileChannel file) throws IOException {
        file.force(true);
    }

    /** Forces a directory, so that a rename or link in it is durable (Linux: open it read-only, fsync). */
    public static void forceDirectory(Path directory) throws IOException {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    /**
     * Renames {@code part} (already forced) over {@code target} in one step, then forces their directory: a
     * reader sees the old file or the new one, never a mix, and after a crash the new one stays.
     */
    public static void replace(Path part, Path target) throws IOException {
        Files.move(part, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        forceDirectory(target.getParent());
    }
}

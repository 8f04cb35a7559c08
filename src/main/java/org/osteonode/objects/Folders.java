package org.osteonode.objects;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Set;

/** Local folders that may hold identified data: made owner-only, and deleted whole without following links. */
public final class Folders {
    /** Only osteonode's own user may list or read what such a folder holds. */
    public static final FileAttribute<Set<PosixFilePermission>> OWNER_ONLY =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));

    private Folders() {
    }

    /** Creates {@code dir} and its missing parents owner-only (an existing folder is left as it is); returns it. */
    public static Path ownerOnly(Path dir) {
        try {
            return Files.createDirectories(dir, OWNER_ONLY);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
    }

    /**
     * Deletes a folder and all it holds; nothing when it is not there. Whatever wrote in it (a decoder's child
     * process, a killed node) may have taken the permissions off its folders: each is given back to the owner
     * before it is listed. Links are deleted, not followed; the walk is a loop, not a recursion, since the writer
     * decides how deep the folders go.
     */
    public static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        List<Path> folders = new ArrayList<>();
        Deque<Path> toList = new ArrayDeque<>(List.of(root));
        while (!toList.isEmpty()) {
            Path folder = toList.pop();
            Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwx------"));
            folders.add(folder);
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(folder)) {
                for (Path entry : entries) {
                    if (Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)) {
                        toList.push(entry);
                    } else {
                        Files.delete(entry);
                    }
                }
            }
        }
        for (int i = folders.size() - 1; i >= 0; i--) {
            Files.delete(folders.get(i));
        }
    }
}

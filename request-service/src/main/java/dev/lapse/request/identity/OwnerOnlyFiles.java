package dev.lapse.request.identity;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Objects;
import java.util.UUID;

/** Files only their owner can read, where the file system has POSIX permissions; written whole or not at all. */
final class OwnerOnlyFiles {

    private OwnerOnlyFiles() {
    }

    static void createDirectory(Path directory) throws IOException {
        if (Files.isDirectory(directory)) {
            return;
        }
        Path parent = directory.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        try {
            if (posix(directory)) {
                Files.createDirectory(directory, PosixFilePermissions.asFileAttribute(
                        PosixFilePermissions.fromString("rwx------")));
            } else {
                Files.createDirectory(directory);
            }
        } catch (FileAlreadyExistsException anotherWasFaster) {
            if (!Files.isDirectory(directory)) {
                throw anotherWasFaster;
            }
        }
    }

    /** Writes a new file; fails with {@link FileAlreadyExistsException} when it exists, never half-written. */
    static void create(Path file, String content) throws IOException {
        Path temp = written(file, content);
        try {
            try {
                Files.createLink(file, temp);
            } catch (UnsupportedOperationException noHardLinks) {
                Files.move(temp, file);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** Writes a file, replacing it at once (readers see the old or the new content, never a part). */
    static void replace(Path file, String content) throws IOException {
        Path temp = written(file, content);
        try {
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    private static Path written(Path file, String content) throws IOException {
        Path temp = file.resolveSibling("." + file.getFileName() + "." + UUID.randomUUID() + ".tmp");
        if (posix(file)) {
            Files.createFile(temp, PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rw-------")));
        } else {
            Files.createFile(temp);
        }
        Files.writeString(temp, Objects.requireNonNull(content));
        return temp;
    }

    private static boolean posix(Path path) {
        return path.getFileSystem().supportedFileAttributeViews().contains("posix");
    }
}

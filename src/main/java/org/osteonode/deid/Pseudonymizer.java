package org.osteonode.deid;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * Keyed, deterministic pseudonyms: HMAC-SHA-256 with the site secret. The same input gives the same
 * pseudonym across studies, restarts and machines sharing the secret; without the secret it cannot be
 * reversed or recomputed. Each kind of input has its own domain prefix, so that a patient ID and a UID
 * with the same text never share a pseudonym.
 */
public final class Pseudonymizer {
    private static final String ALGORITHM = "HmacSHA256";
    private static final int MIN_SECRET_LENGTH = 32;

    private final Mac prototype;

    public Pseudonymizer(byte[] secret) {
        if (secret.length < MIN_SECRET_LENGTH) {
            throw new IllegalArgumentException("the site secret must have at least " + MIN_SECRET_LENGTH + " bytes");
        }
        try {
            prototype = Mac.getInstance(ALGORITHM);
            prototype.init(new SecretKeySpec(secret, ALGORITHM));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA-256 is not available in this JVM", e);
        }
    }

    /**
     * Reads the site secret, creating it (32 random bytes as hex, mode 0600) when the file does not exist and never
     * did: beside a rotated or half-rotated secret, a missing file is a loss to repair, not a first start.
     */
    public static Pseudonymizer fromSecretFile(Path file) throws IOException {
        if (!Files.exists(file)) {
            Path fresh = file.resolveSibling(file.getFileName() + ".new");
            if (Files.exists(fresh)) {
                throw new IOException("the site secret " + file + " (osteonode.deid.secret-file) is missing and " + fresh
                        + " is there: a secret rotation stopped between its renames; move " + fresh + " to " + file);
            }
            if (!retired(file).isEmpty()) {
                throw new IOException("the site secret " + file + " (osteonode.deid.secret-file) is missing, though "
                        + "retired secrets are beside it: restore it from the secret backup rather than start with a "
                        + "new one (every patient would get new pseudonyms)");
            }
            createSecret(file);
        }
        byte[] secret = Files.readString(file, StandardCharsets.UTF_8).trim().getBytes(StandardCharsets.UTF_8);
        if (secret.length < MIN_SECRET_LENGTH) {
            throw new IOException("the site secret in " + file + " (osteonode.deid.secret-file) is shorter than "
                    + MIN_SECRET_LENGTH + " characters");
        }
        return new Pseudonymizer(secret);
    }

    /** The suffix of a secret replaced by {@link #rotate}, followed by the UTC time of the rotation. */
    public static final String RETIRED = ".retired-";

    /**
     * Replaces the site secret with {@code secret} (from {@link #newSecret}): it is written and fsync'ed beside the
     * file, the old file is renamed {@code <file>.retired-<UTC time>} (mode 0400) and the new one renamed into its
     * place, the folder fsync'ed. Returns the retired file.
     */
    public static Path rotate(Path file, String secret, java.time.Instant now) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Path fresh = dir.resolve(file.getFileName() + ".new");
        Files.deleteIfExists(fresh);
        Files.createFile(fresh, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(fresh,
                java.nio.file.StandardOpenOption.WRITE)) {
            channel.write(java.nio.ByteBuffer.wrap((secret + "\n").getBytes(StandardCharsets.UTF_8)));
            channel.force(true);
        }
        String time = java.time.format.DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmss'Z'")
                .withZone(java.time.ZoneOffset.UTC).format(now);
        Path retired = dir.resolve(file.getFileName() + RETIRED + time);
        Files.move(file, retired, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        Files.setPosixFilePermissions(retired, PosixFilePermissions.fromString("r--------"));
        Files.move(fresh, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        try (java.nio.channels.FileChannel folder = java.nio.channels.FileChannel.open(dir)) {
            folder.force(true); // both renames survive a power cut
        }
        return retired;
    }

    /** The secrets {@link #rotate} replaced, oldest first: what was archived before each rotation is keyed by one. */
    public static java.util.List<Pseudonymizer> retired(Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        String prefix = file.getFileName() + RETIRED;
        java.util.List<Pseudonymizer> retired = new java.util.ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return retired;
        }
        try (java.util.stream.Stream<Path> siblings = Files.list(dir)) {
            for (Path sibling : siblings.filter(p -> p.getFileName().toString().startsWith(prefix)).sorted().toList()) {
                retired.add(fromSecretFile(sibling));
            }
        }
        return retired;
    }

    /**
     * Says whether two nodes (or a node and its backup) hold the same secret without showing it: 16 hex digits of
     * its HMAC in a domain of its own.
     */
    public String fingerprint() {
        return HexFormat.of().formatHex(hmac("fingerprint", "osteonode"), 0, 8);
    }

    /** 256 random bits as 64 hex digits: what a new site secret file holds. */
    public static String newSecret() {
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        return HexFormat.of().formatHex(random);
    }

    private static void createSecret(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (FileAlreadyExistsException e) {
            return; // another process created it first; use theirs
        }
        Files.writeString(file, newSecret() + "\n", StandardCharsets.UTF_8);
    }

    /** A UID's pseudonym: {@code 2.25.} and the decimal of 128 bits of its HMAC (PS3.5 B.2). */
    public String uid(String uid) {
        byte[] digest = hmac("uid", uid);
        return "2.25." + new BigInteger(1, Arrays.copyOf(digest, 16));
    }

    /** A patient's pseudonym, from the Issuer of Patient ID and the Patient ID: 32 hex digits. */
    public String patient(String issuerOfPatientId, String patientId) {
        byte[] digest = hmac("patient", issuerOfPatientId + "\u0000" + patientId);
        return HexFormat.of().formatHex(digest, 0, 16);
    }

    /**
     * The name under which the clinical workspace keeps what belongs to a pseudonymous key (a study's folder, an
     * image's file): 32 hex digits of its own HMAC, so that the identified workspace cannot be joined to the
     * research archive or the database without the secret.
     */
    public String workspace(String key) {
        return HexFormat.of().formatHex(hmac("workspace", key), 0, 16);
    }

    /** The patient's date shift: 1 to {@code maxDays} days, the same for every object of that patient. */
    public int dateShiftDays(String issuerOfPatientId, String patientId, int maxDays) {
        byte[] digest = hmac("date-shift", issuerOfPatientId + "\u0000" + patientId);
        long value = new BigInteger(1, Arrays.copyOf(digest, 8)).longValue();
        return 1 + (int) Math.floorMod(value, (long) maxDays);
    }

    private byte[] hmac(String domain, String value) {
        Mac mac;
        try {
            mac = (Mac) prototype.clone();
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException(e);
        }
        mac.update(domain.getBytes(StandardCharsets.UTF_8));
        mac.update((byte) 0);
        return mac.doFinal(value.getBytes(StandardCharsets.UTF_8));
    }
}

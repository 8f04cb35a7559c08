package org.osteonode.testing;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * The pseudonyms as SECURITY.md defines them, computed here independently of {@code deid.Pseudonymizer},
 * so that a test comparing the node's keys with these would notice an unkeyed hash, a fixed key, a lost
 * domain or a raw identifier. HMAC-SHA-256 keyed with the secret file's text (trimmed, UTF-8) over
 * {@code domain 0x00 value}; the patient's value is {@code issuer 0x00 id}.
 */
public final class ReferencePseudonyms {
    private final byte[] secret;

    public ReferencePseudonyms(byte[] secret) {
        this.secret = secret.clone();
    }

    public static ReferencePseudonyms fromSecretFile(Path file) throws java.io.IOException {
        return new ReferencePseudonyms(Files.readString(file, StandardCharsets.UTF_8).trim()
                .getBytes(StandardCharsets.UTF_8));
    }

    /** {@code 2.25.} and the decimal of the first 128 bits of HMAC("uid", uid). */
    public String uid(String uid) {
        return "2.25." + new BigInteger(1, Arrays.copyOf(hmac("uid", uid), 16));
    }

    /** The first 128 bits of HMAC("patient", issuer 0x00 id), as 32 lower-case hex digits. */
    public String patient(String issuerOfPatientId, String patientId) {
        return HexFormat.of().formatHex(hmac("patient", issuerOfPatientId + "\u0000" + patientId), 0, 16);
    }

    /** The first 128 bits of HMAC("workspace", key), as 32 lower-case hex digits. */
    public String workspace(String key) {
        return HexFormat.of().formatHex(hmac("workspace", key), 0, 16);
    }

    /** 1 + the first 64 bits of HMAC("date-shift", issuer 0x00 id), as a signed integer, floor-modulo maxDays. */
    public int dateShiftDays(String issuerOfPatientId, String patientId, int maxDays) {
        long value = ByteBuffer.wrap(hmac("date-shift", issuerOfPatientId + "\u0000" + patientId)).getLong();
        return 1 + (int) Math.floorMod(value, (long) maxDays);
    }

    private byte[] hmac(String domain, String value) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            ByteArrayOutputStream message = new ByteArrayOutputStream();
            message.writeBytes(domain.getBytes(StandardCharsets.UTF_8));
            message.write(0);
            message.writeBytes(value.getBytes(StandardCharsets.UTF_8));
            return mac.doFinal(message.toByteArray());
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}

package org.osteonode.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Certificates and keys in the PEM files an operator has (RFC 7468): what {@code openssl} and every CA write.
 * Read with the JDK's own parsers; a file that is not what its setting expects fails with a message that says
 * what was found and how to convert it.
 */
public final class Pem {
    /** Larger than any certificate bundle or key; a setting naming some other big file fails before it is read. */
    private static final long MAX_FILE_BYTES = 1024 * 1024;
    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]*)-----END \\1-----");
    private static final List<String> KEY_ALGORITHMS = List.of("RSA", "EC", "Ed25519", "Ed448");

    private Pem() {
    }

    /** Every CERTIFICATE block of the file, in order (a chain: the node's own certificate first). */
    public static List<X509Certificate> certificates(Path file) throws IOException, GeneralSecurityException {
        List<X509Certificate> certificates = new ArrayList<>();
        CertificateFactory factory = CertificateFactory.getInstance("X.509");
        for (Block block : blocks(file)) {
            if (block.type().equals("CERTIFICATE")) {
                certificates.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(block.der())));
            }
        }
        if (certificates.isEmpty()) {
            throw new CertificateException(file + " holds no PEM CERTIFICATE");
        }
        return certificates;
    }

    /** The file's PKCS#8 private key ("BEGIN PRIVATE KEY"), RSA, EC or EdDSA. */
    public static PrivateKey privateKey(Path file) throws IOException, GeneralSecurityException {
        for (Block block : blocks(file)) {
            switch (block.type()) {
                case "PRIVATE KEY" -> {
                    return pkcs8(block.der(), file);
                }
                case "RSA PRIVATE KEY", "EC PRIVATE KEY" -> throw new InvalidKeySpecException(file + " holds a "
                        + block.type() + " (PKCS#1/SEC 1); convert it to PKCS#8 with: openssl pkcs8 -topk8 -nocrypt "
                        + "-in " + file.getFileName() + " -out key.pem");
                case "ENCRYPTED PRIVATE KEY" -> throw new InvalidKeySpecException(file + " holds an encrypted key; "
                        + "osteonode reads an unencrypted PKCS#8 key (protect the file by its mode, 0400): "
                        + "openssl pkcs8 -topk8 -nocrypt -in " + file.getFileName() + " -out key.pem");
                default -> {
                    // certificates may share the file with the key
                }
            }
        }
        throw new InvalidKeySpecException(file + " holds no PEM PRIVATE KEY");
    }

    private static PrivateKey pkcs8(byte[] der, Path file) throws GeneralSecurityException {
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
        for (String algorithm : KEY_ALGORITHMS) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (InvalidKeySpecException wrongAlgorithm) {
                // try the next one: PKCS#8 names its algorithm, but the JDK wants it chosen beforehand
            }
        }
        throw new InvalidKeySpecException(file + " holds a private key that is not RSA, EC or EdDSA");
    }

    private record Block(String type, byte[] der) {
    }

    private static List<Block> blocks(Path file) throws IOException {
        if (Files.size(file) > MAX_FILE_BYTES) {
            throw new IOException(file + " is larger than " + MAX_FILE_BYTES + " bytes: not a PEM file");
        }
        String text = Files.readString(file, StandardCharsets.ISO_8859_1);
        List<Block> blocks = new ArrayList<>();
        Matcher matcher = BLOCK.matcher(text);
        while (matcher.find()) {
            try {
                blocks.add(new Block(matcher.group(1), Base64.getMimeDecoder().decode(matcher.group(2))));
            } catch (IllegalArgumentException e) {
                throw new IOException(file + ": a PEM " + matcher.group(1) + " block is not valid Base64");
            }
        }
        return blocks;
    }
}

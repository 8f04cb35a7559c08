package org.osteonode.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Certificates for the TLS tests, made by {@code openssl} as an operator's CA would make them: RSA 2048, PEM, keys
 * in PKCS#8 (OpenSSL 3's default).
 */
public final class TestCertificates {
    private final Path dir;

    public TestCertificates(Path dir) throws IOException {
        this.dir = Files.createDirectories(dir);
    }

    /** A certificate and its key. */
    public record Pair(Path certificate, Path key) {
    }

    /** A self-signed CA named {@code name}: ca certificate {@code name.crt}, key {@code name.key}. */
    public Pair authority(String name) throws Exception {
        Pair ca = new Pair(dir.resolve(name + ".crt"), dir.resolve(name + ".key"));
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "30", "-subj", "/CN=" + name,
                "-keyout", ca.key().toString(), "-out", ca.certificate().toString());
        return ca;
    }

    /**
     * A certificate for {@code name} signed by {@code ca}, good for server and client, naming {@code hosts} as its
     * subject alternative names (DNS names, or IP addresses).
     */
    public Pair issue(Pair ca, String name, String... hosts) throws Exception {
        Pair pair = new Pair(dir.resolve(name + ".crt"), dir.resolve(name + ".key"));
        Path request = dir.resolve(name + ".csr");
        openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=" + name, "-keyout", pair.key().toString(),
                "-out", request.toString());
        List<String> names = new ArrayList<>();
        for (String host : hosts) {
            names.add((host.matches("[0-9.]+") ? "IP:" : "DNS:") + host);
        }
        Path extensions = dir.resolve(name + ".ext");
        Files.writeString(extensions, (names.isEmpty() ? "" : "subjectAltName=" + String.join(",", names) + "\n")
                + "basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\n"
                + "extendedKeyUsage=serverAuth,clientAuth\n");
        openssl("x509", "-req", "-in", request.toString(), "-CA", ca.certificate().toString(), "-CAkey",
                ca.key().toString(), "-CAcreateserial", "-days", "30", "-extfile", extensions.toString(),
                "-out", pair.certificate().toString());
        return pair;
    }

    private void openssl(String... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of("openssl"));
        command.addAll(List.of(arguments));
        Dcmtk.Result result = Dcmtk.run(command);
        if (result.exitCode() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed:\n" + result.output());
        }
    }
}

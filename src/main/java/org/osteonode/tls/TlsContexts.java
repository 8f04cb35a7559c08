package org.osteonode.tls;

import org.osteonode.config.Settings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * DICOM TLS (PS3.15 Annex B) with the JDK's own implementation, configured, not written: TLS 1.3 and 1.2 only,
 * and in TLS 1.2 only forward-secret AEAD cipher suites (those BCP 195 recommends). The node's certificate and
 * key, and the CAs it trusts, come from PEM files; {@link #reload} reads them again (SIGHUP, or a change the
 * watcher sees) and new connections use them while open ones keep theirs. A reload that fails keeps what was
 * loaded before, so a half-copied file never takes the TLS port down.
 */
public final class TlsContexts implements AutoCloseable {
    public static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");
    private static final Logger log = LoggerFactory.getLogger(TlsContexts.class);

    private final Settings.Tls files;
    private final AtomicLong reloads = new AtomicLong();
    private final AtomicLong failedReloads = new AtomicLong();
    private volatile Loaded loaded;
    private ScheduledExecutorService watcher;

    /** What one reading of the files gave. */
    private record Loaded(SSLContext server, SSLContext client, Optional<X509Certificate> certificate,
            String[] cipherSuites, byte[] fingerprint) {
    }

    private TlsContexts(Settings.Tls files, Loaded loaded) {
        this.files = files;
        this.loaded = loaded;
    }

    /** Reads the files once; a file missing or wrong stops start-up with a message naming its setting. */
    public static TlsContexts load(Settings.Tls files) throws TlsException {
        return new TlsContexts(files, read(files));
    }

    /** The node has a certificate of its own (it can serve the TLS port, and answer a PACS that asks for one). */
    public boolean hasCertificate() {
        return loaded.certificate().isPresent();
    }

    /** Clients of the TLS port must present a certificate signed by a CA of {@code tls-client-ca-file}. */
    public boolean requiresClientCertificate() {
        return files.clientCaFile().isPresent();
    }

    /** When the node's certificate expires (for the metric an operator alerts on). */
    public Optional<Instant> certificateExpiry() {
        return loaded.certificate().map(c -> c.getNotAfter().toInstant());
    }

    public long reloads() {
        return reloads.get();
    }

    public long failedReloads() {
        return failedReloads.get();
    }

    /**
     * The server side of TLS over a connection the DICOM port accepted. The handshake happens on the caller's
     * thread at first use (or {@link SSLSocket#startHandshake()}), bounded by the socket's timeout.
     */
    public SSLSocket serverSide(Socket accepted) throws IOException {
        Loaded now = loaded;
        SSLSocket socket = (SSLSocket) now.server().getSocketFactory().createSocket(accepted,
                accepted.getInetAddress().getHostAddress(), accepted.getPort(), true);
        socket.setUseClientMode(false);
        SSLParameters parameters = parameters(now);
        parameters.setNeedClientAuth(requiresClientCertificate());
        socket.setSSLParameters(parameters);
        return socket;
    }

    /**
     * TLS over a connection to a PACS, handshake done: the PACS's certificate must chain to {@code pacs.tls-ca-file}
     * (or the JDK's trusted CAs when that is empty) and name {@code host}. Closes {@code connected} when it fails.
     */
    public SSLSocket clientSide(Socket connected, String host, int port) throws IOException {
        Loaded now = loaded;
        try {
            SSLSocket socket = (SSLSocket) now.client().getSocketFactory().createSocket(connected, host, port, true);
            socket.setUseClientMode(true);
            SSLParameters parameters = parameters(now);
            parameters.setEndpointIdentificationAlgorithm("HTTPS"); // RFC 6125: the certificate must name the host
            socket.setSSLParameters(parameters);
            socket.startHandshake();
            return socket;
        } catch (IOException | RuntimeException e) {
            connected.close();
            throw e;
        }
    }

    private static SSLParameters parameters(Loaded now) {
        SSLParameters parameters = new SSLParameters();
        parameters.setProtocols(PROTOCOLS.toArray(String[]::new));
        parameters.setCipherSuites(now.cipherSuites());
        return parameters;
    }

    /** Reads the files again when their bytes changed; true when new contexts are in use. */
    public boolean reloadIfChanged() {
        byte[] fingerprint;
        try {
            fingerprint = fingerprint(files);
        } catch (IOException e) {
            return false; // a file being replaced; the next look will see it whole
        }
        return !Arrays.equals(fingerprint, loaded.fingerprint()) && reload();
    }

    /** Reads the files again; on failure keeps the contexts in use and says why. */
    public synchronized boolean reload() {
        try {
            loaded = read(files);
            reloads.incrementAndGet();
            log.info("event=tls.reloaded certificate_expires={}", certificateExpiry().map(Instant::toString).orElse("-"));
            return true;
        } catch (TlsException e) {
            failedReloads.incrementAndGet();
            log.error("event=tls.reload-failed error=\"{}\" fix=\"the previous certificate stays in use until the "
                    + "files are correct\"", e.getMessage());
            return false;
        }
    }

    /** Looks at the files every {@code period} and reloads when they changed (a renewed certificate, a Secret). */
    public synchronized void watch(Duration period) {
        if (watcher != null) {
            return;
        }
        watcher = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "tls-watcher");
            thread.setDaemon(true);
            return thread;
        });
        watcher.scheduleWithFixedDelay(this::reloadIfChanged, period.toMillis(), period.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void close() {
        if (watcher != null) {
            watcher.shutdownNow();
        }
    }

    private static Loaded read(Settings.Tls files) throws TlsException {
        try {
            byte[] fingerprint = fingerprintOrNull(files);
            KeyManager[] keyManagers = null;
            Optional<X509Certificate> certificate = Optional.empty();
            if (files.certificateFile().isPresent()) {
                List<X509Certificate> chain = read("osteonode.dicom.tls-cert-file", files.certificateFile().get(),
                        Pem::certificates);
                PrivateKey key = read("osteonode.dicom.tls-key-file", files.keyFile().orElseThrow(), Pem::privateKey);
                requireMatch(chain.get(0), key);
                KeyStore store = KeyStore.getInstance("PKCS12");
                store.load(null, null);
                store.setKeyEntry("osteonode", key, new char[0], chain.toArray(X509Certificate[]::new));
                KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                factory.init(store, new char[0]);
                keyManagers = factory.getKeyManagers();
                certificate = Optional.of(chain.get(0));
            }
            SSLContext server = SSLContext.getInstance("TLS");
            server.init(keyManagers, trust("osteonode.dicom.tls-client-ca-file", files.clientCaFile()), null);
            SSLContext client = SSLContext.getInstance("TLS");
            client.init(keyManagers, trust("osteonode.pacs.tls-ca-file", files.pacsCaFile()), null);
            return new Loaded(server, client, certificate, cipherSuites(server), fingerprint);
        } catch (GeneralSecurityException | IOException e) {
            throw new TlsException("osteonode.dicom.tls-cert-file", e.getMessage(), e);
        }
    }

    /** The CAs of {@code file}; none given: the JDK's trusted CAs. */
    private static TrustManager[] trust(String setting, Optional<Path> file) throws GeneralSecurityException,
            IOException, TlsException {
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        if (file.isEmpty()) {
            factory.init((KeyStore) null);
            return factory.getTrustManagers();
        }
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        int n = 0;
        for (X509Certificate ca : read(setting, file.get(), Pem::certificates)) {
            store.setCertificateEntry("ca-" + n++, ca);
        }
        factory.init(store);
        return factory.getTrustManagers();
    }

    /** TLS 1.3's suites, and TLS 1.2's with ECDHE or DHE key exchange and AES-GCM or ChaCha20-Poly1305. */
    static String[] cipherSuites(SSLContext context) {
        return Arrays.stream(context.getDefaultSSLParameters().getCipherSuites())
                .filter(TlsContexts::recommended)
                .toArray(String[]::new);
    }

    static boolean recommended(String suite) {
        boolean tls13 = suite.startsWith("TLS_AES_") || suite.startsWith("TLS_CHACHA20_");
        boolean forwardSecret = suite.startsWith("TLS_ECDHE_") || suite.startsWith("TLS_DHE_");
        boolean aead = suite.contains("_GCM_") || suite.contains("_CHACHA20_POLY1305_");
        return tls13 || (forwardSecret && aead);
    }

    /** A certificate and a key that are not a pair would fail every handshake; say so at load instead. */
    private static void requireMatch(X509Certificate certificate, PrivateKey key) throws GeneralSecurityException,
            TlsException {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            default -> key.getAlgorithm(); // Ed25519, Ed448
        };
        byte[] probe = "osteonode".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        Signature signer = Signature.getInstance(algorithm);
        signer.initSign(key);
        signer.update(probe);
        byte[] signature = signer.sign();
        Signature verifier = Signature.getInstance(algorithm);
        try {
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(probe);
            if (verifier.verify(signature)) {
                return;
            }
        } catch (GeneralSecurityException differentAlgorithm) {
            // the certificate's key is of another kind: not a pair either
        }
        throw new TlsException("osteonode.dicom.tls-key-file", "is not the private key of the certificate in "
                + "osteonode.dicom.tls-cert-file", null);
    }

    private interface Reader<T> {
        T read(Path file) throws IOException, GeneralSecurityException;
    }

    private static <T> T read(String setting, Path file, Reader<T> reader) throws TlsException {
        try {
            return reader.read(file);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new TlsException(setting, "no such file " + file, e);
        } catch (IOException | GeneralSecurityException e) {
            throw new TlsException(setting, e.getMessage(), e);
        }
    }

    /** Null when a file cannot be read: the reads that follow say which, naming its setting. */
    private static byte[] fingerprintOrNull(Settings.Tls files) {
        try {
            return fingerprint(files);
        } catch (IOException e) {
            return null;
        }
    }

    private static byte[] fingerprint(Settings.Tls files) throws IOException {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (Optional<Path> file : List.of(files.certificateFile(), files.keyFile(), files.clientCaFile(),
                    files.pacsCaFile())) {
                if (file.isPresent()) {
                    digest.update(Files.readAllBytes(file.get()));
                }
                digest.update((byte) 0);
            }
            return digest.digest();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }
}

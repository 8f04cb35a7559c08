package org.osteonode.tls;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osteonode.config.Settings;
import org.osteonode.testing.Dcmtk;
import org.osteonode.testing.TestCertificates;
import org.osteonode.testing.TestCertificates.Pair;

import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** DICOM TLS as osteonode configures the JDK's: certificates from PEM, client certificates, reload. */
class TlsContextsTest {
    @TempDir
    static Path dir;
    static TestCertificates certificates;
    static Pair ca;
    static Pair node;
    static Pair pacs;
    static Pair stranger;

    @BeforeAll
    static void makeCertificates() throws Exception {
        certificates = new TestCertificates(dir.resolve("certs"));
        ca = certificates.authority("hospital-ca");
        node = certificates.issue(ca, "node", "localhost", "127.0.0.1");
        pacs = certificates.issue(ca, "pacs", "localhost");
        stranger = certificates.issue(certificates.authority("other-ca"), "stranger", "localhost");
    }

    private static Settings.Tls server(Pair identity, Path clientCa) {
        return new Settings.Tls(Optional.of(identity.certificate()), Optional.of(identity.key()),
                Optional.ofNullable(clientCa), Optional.empty());
    }

    private static Settings.Tls client(Pair identity, Path trusted) {
        return new Settings.Tls(Optional.ofNullable(identity).map(Pair::certificate),
                Optional.ofNullable(identity).map(Pair::key), Optional.empty(), Optional.of(trusted));
    }

    /** What each side ended with: the client's certificate subject as the server saw it ("-": none), or failures. */
    private record Outcome(String serverPeer, Exception serverFailure, SSLSocket clientSocket, Exception clientFailure) {
    }

    /** The server side on a thread, the client side here. */
    private static Outcome handshake(TlsContexts server, TlsContexts client, String host) throws Exception {
        try (ServerSocket listening = new ServerSocket(0)) {
            CompletableFuture<Object> serverSide = CompletableFuture.supplyAsync(() -> {
                try (Socket accepted = listening.accept()) {
                    accepted.setSoTimeout(10_000);
                    SSLSocket secured = server.serverSide(accepted);
                    secured.startHandshake();
                    String peer = server.requiresClientCertificate()
                            ? secured.getSession().getPeerPrincipal().getName() : "-";
                    secured.getOutputStream().write(1); // TLS 1.3 tells a refused client on first use, not in connect
                    secured.getOutputStream().flush();
                    return peer;
                } catch (Exception e) {
                    return e;
                }
            });
            SSLSocket socket = null;
            Exception clientFailure = null;
            try {
                Socket connected = new Socket(host, listening.getLocalPort());
                connected.setSoTimeout(10_000);
                socket = client.clientSide(connected, host, listening.getLocalPort());
                if (socket.getInputStream().read() != 1) {
                    throw new IOException("the server closed the connection");
                }
            } catch (Exception e) {
                clientFailure = e;
            }
            Object serverResult = serverSide.get(20, TimeUnit.SECONDS);
            if (socket != null) {
                socket.close();
            }
            return serverResult instanceof Exception e ? new Outcome(null, e, socket, clientFailure)
                    : new Outcome((String) serverResult, null, socket, clientFailure);
        }
    }

    @Test
    void aClientCertificateSignedByATrustedCaIsAcceptedOverTls13() throws Exception {
        TlsContexts server = TlsContexts.load(server(node, ca.certificate()));
        Outcome outcome = handshake(server, TlsContexts.load(client(pacs, ca.certificate())), "localhost");
        assertThat(outcome.clientFailure()).isNull();
        assertThat(outcome.serverPeer()).isEqualTo("CN=pacs");
        assertThat(outcome.clientSocket().getSession().getProtocol()).isEqualTo("TLSv1.3");
    }

    @Test
    void noClientCertificateOrOneFromAnotherCaIsRefused() throws Exception {
        TlsContexts server = TlsContexts.load(server(node, ca.certificate()));
        Outcome none = handshake(server, TlsContexts.load(client(null, ca.certificate())), "localhost");
        assertThat(none.serverFailure()).isNotNull();
        assertThat(none.clientFailure()).isNotNull();
        Outcome untrusted = handshake(server, TlsContexts.load(client(stranger, ca.certificate())), "localhost");
        assertThat(untrusted.serverFailure()).isNotNull();
        assertThat(untrusted.clientFailure()).isNotNull();
    }

    @Test
    void withoutAClientCaTheServerAsksForNoCertificate() throws Exception {
        TlsContexts server = TlsContexts.load(server(node, null));
        assertThat(server.requiresClientCertificate()).isFalse();
        Outcome outcome = handshake(server, TlsContexts.load(client(null, ca.certificate())), "127.0.0.1");
        assertThat(outcome.clientFailure()).isNull();
        assertThat(outcome.serverPeer()).isEqualTo("-");
    }

    @Test
    void aServerWhoseCertificateDoesNotNameTheHostIsRefused() throws Exception {
        TlsContexts server = TlsContexts.load(server(pacs, null)); // names localhost, not 127.0.0.1
        Outcome outcome = handshake(server, TlsContexts.load(client(null, ca.certificate())), "127.0.0.1");
        assertThat(outcome.clientFailure()).hasMessageContaining("127.0.0.1");
    }

    @Test
    void aServerSignedByAnUntrustedCaIsRefused() throws Exception {
        TlsContexts server = TlsContexts.load(server(stranger, null));
        Outcome outcome = handshake(server, TlsContexts.load(client(null, ca.certificate())), "localhost");
        assertThat(outcome.clientFailure()).isNotNull();
    }

    @Test
    void tls12IsOfferedOnlyWithForwardSecretAeadCipherSuites() {
        assertThat(TlsContexts.PROTOCOLS).containsExactly("TLSv1.3", "TLSv1.2");
        assertThat(TlsContexts.recommended("TLS_AES_128_GCM_SHA256")).isTrue();
        assertThat(TlsContexts.recommended("TLS_CHACHA20_POLY1305_SHA256")).isTrue();
        assertThat(TlsContexts.recommended("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256")).isTrue();
        assertThat(TlsContexts.recommended("TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256")).isTrue();
        assertThat(TlsContexts.recommended("TLS_DHE_RSA_WITH_AES_256_GCM_SHA384")).isTrue();
        assertThat(TlsContexts.recommended("TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256")).isFalse();
        assertThat(TlsContexts.recommended("TLS_RSA_WITH_AES_128_GCM_SHA256")).isFalse(); // no forward secrecy
        assertThat(TlsContexts.recommended("TLS_RSA_WITH_AES_128_CBC_SHA")).isFalse(); // PS3.15's retired profile
        assertThat(TlsContexts.recommended("TLS_EMPTY_RENEGOTIATION_INFO_SCSV")).isFalse();
    }

    @Test
    void aKeyThatIsNotTheCertificatesIsRefusedNamingTheSetting() {
        Settings.Tls mismatched = new Settings.Tls(Optional.of(node.certificate()), Optional.of(pacs.key()),
                Optional.empty(), Optional.empty());
        assertThatThrownBy(() -> TlsContexts.load(mismatched)).isInstanceOf(TlsException.class)
                .hasMessageContaining("osteonode.dicom.tls-key-file").hasMessageContaining("not the private key");
    }

    @Test
    void aPkcs1KeyIsRefusedWithTheCommandThatConvertsIt() throws Exception {
        Path pkcs1 = dir.resolve("pkcs1.key");
        Dcmtk.run(List.of("openssl", "rsa", "-in", node.key().toString(), "-traditional", "-out", pkcs1.toString()));
        assertThat(Files.readString(pkcs1)).startsWith("-----BEGIN RSA PRIVATE KEY-----");
        Settings.Tls files = new Settings.Tls(Optional.of(node.certificate()), Optional.of(pkcs1), Optional.empty(),
                Optional.empty());
        assertThatThrownBy(() -> TlsContexts.load(files)).hasMessageContaining("openssl pkcs8 -topk8 -nocrypt");
    }

    @Test
    void aMissingOrEmptyFileIsRefusedNamingItsSetting() throws Exception {
        Settings.Tls missing = new Settings.Tls(Optional.of(dir.resolve("absent.crt")), Optional.of(node.key()),
                Optional.empty(), Optional.empty());
        assertThatThrownBy(() -> TlsContexts.load(missing)).hasMessageContaining("osteonode.dicom.tls-cert-file")
                .hasMessageContaining("no such file");
        Path empty = Files.writeString(dir.resolve("empty.pem"), "");
        Settings.Tls noCa = new Settings.Tls(Optional.of(node.certificate()), Optional.of(node.key()),
                Optional.of(empty), Optional.empty());
        assertThatThrownBy(() -> TlsContexts.load(noCa)).hasMessageContaining("osteonode.dicom.tls-client-ca-file")
                .hasMessageContaining("no PEM CERTIFICATE");
    }

    @Test
    void aRenewedCertificateIsTakenIntoUseAndABrokenOneLeavesThePreviousInUse() throws Exception {
        Path live = Files.createDirectories(dir.resolve("live"));
        Path certificate = Files.copy(node.certificate(), live.resolve("tls.crt"), StandardCopyOption.REPLACE_EXISTING);
        Path key = Files.copy(node.key(), live.resolve("tls.key"), StandardCopyOption.REPLACE_EXISTING);
        TlsContexts server = TlsContexts.load(new Settings.Tls(Optional.of(certificate), Optional.of(key),
                Optional.empty(), Optional.empty()));
        assertThat(server.reloadIfChanged()).isFalse();

        Pair renewingCa = certificates.authority("renewing-ca");
        Pair renewed = certificates.issue(renewingCa, "node-renewed", "localhost");
        Files.copy(renewed.certificate(), certificate, StandardCopyOption.REPLACE_EXISTING);
        Files.copy(renewed.key(), key, StandardCopyOption.REPLACE_EXISTING);
        assertThat(server.reloadIfChanged()).isTrue();
        assertThat(server.reloads()).isEqualTo(1);
        TlsContexts trustingTheNewCa = TlsContexts.load(client(null, renewingCa.certificate()));
        assertThat(handshake(server, trustingTheNewCa, "localhost").clientFailure()).isNull();

        Files.writeString(key, "half a key");
        assertThat(server.reloadIfChanged()).isFalse();
        assertThat(server.failedReloads()).isEqualTo(1);
        assertThat(handshake(server, trustingTheNewCa, "localhost").clientFailure()).isNull();
    }
}

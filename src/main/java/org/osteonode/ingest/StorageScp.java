package org.osteonode.ingest;

import com.pixelmed.network.AReleaseException;
import com.pixelmed.network.Association;
import com.pixelmed.network.DicomNetworkException;
import com.pixelmed.network.PolicyAssociationAcceptor;
import com.pixelmed.network.PolicyAssociationAcceptor.Refusal;
import org.osteonode.config.Settings;
import org.osteonode.observe.LogText;
import org.osteonode.observe.Metrics;
import org.osteonode.tls.TlsContexts;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The DICOM receiver: Verification and Storage SCP on one port, one thread per association, at most
 * {@code osteonode.dicom.max-associations} at once. Each association is admitted or refused
 * (A-ASSOCIATE-RJ) on its calling AE title and on capacity before anything is accepted.
 */
public final class StorageScp implements AutoCloseable {
    /** osteonode's Implementation Class UID (a UUID-derived UID, PS3.5 B.2) and Implementation Version Name. */
    public static final String IMPLEMENTATION_CLASS_UID = "2.25.162760988014790359307724029142376070139";
    public static final String IMPLEMENTATION_VERSION_NAME = "OSTEONODE_01";

    private static final Logger log = LoggerFactory.getLogger(StorageScp.class);
    /** Refusals need a thread too; a few beyond the limit let them be answered rather than dropped. */
    private static final int REFUSAL_THREADS = 8;

    private final Settings.Dicom settings;
    private final Spool spool;
    private final Quarantine quarantine;
    private final ReceivedObjectSink sink;
    private final Metrics metrics;
    private final StoragePresentationContextPolicy presentationContextPolicy = new StoragePresentationContextPolicy();
    private final Semaphore slots;
    private final ThreadPoolExecutor associations;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final Optional<TlsContexts> tls;
    private final List<Listener> listeners = new ArrayList<>();

    /** A listening port: plain DICOM, or DICOM over TLS. */
    private record Listener(ServerSocket serverSocket, boolean tls, Thread acceptor) {
    }

    public StorageScp(Settings.Dicom settings, Spool spool, Quarantine quarantine, ReceivedObjectSink sink,
            Metrics metrics) throws IOException {
        this(settings, Optional.empty(), spool, quarantine, sink, metrics);
    }

    /** @param tls the node's TLS contexts; required when {@code settings.tlsPort()} is set */
    public StorageScp(Settings.Dicom settings, Optional<TlsContexts> tls, Spool spool, Quarantine quarantine,
            ReceivedObjectSink sink, Metrics metrics) throws IOException {
        this.settings = settings;
        this.tls = tls;
        this.spool = spool;
        this.quarantine = quarantine;
        this.sink = sink;
        this.metrics = metrics;
        this.slots = new Semaphore(settings.maxAssociations());
        AtomicInteger threadNumber = new AtomicInteger();
        this.associations = new ThreadPoolExecutor(0, settings.maxAssociations() + REFUSAL_THREADS,
                60, TimeUnit.SECONDS, new SynchronousQueue<>(), runnable -> {
                    Thread thread = new Thread(runnable, "association-" + threadNumber.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
        if (settings.tlsPort() != 0 && tls.isEmpty()) {
            throw new IllegalArgumentException("osteonode.dicom.tls-port is set but no TLS contexts were given");
        }
        try {
            if (settings.port() != 0) {
                listen(settings.port(), false);
            }
            if (settings.tlsPort() != 0) {
                listen(settings.tlsPort(), true);
            }
        } catch (IOException e) {
            listeners.forEach(listener -> closeQuietly(listener.serverSocket()));
            throw e;
        }
    }

    private void listen(int port, boolean overTls) throws IOException {
        ServerSocket serverSocket = new ServerSocket();
        serverSocket.setReuseAddress(true);
        String setting = overTls ? "osteonode.dicom.tls-port" : "osteonode.dicom.port";
        try {
            serverSocket.bind(new InetSocketAddress(port), 128);
        } catch (IOException e) {
            serverSocket.close();
            throw new IOException("cannot listen on DICOM port " + port + " (" + setting + "): " + e.getMessage(), e);
        }
        Thread acceptor = new Thread(() -> acceptLoop(serverSocket, overTls),
                overTls ? "dicom-tls-acceptor" : "dicom-acceptor");
        listeners.add(new Listener(serverSocket, overTls, acceptor));
    }

    public void start() {
        for (Listener listener : listeners) {
            listener.acceptor().start();
            log.info("event=dicom.listening ae_title={} port={} tls={} allowed_calling_ae_titles={} max_associations={}",
                    settings.aeTitle(), listener.serverSocket().getLocalPort(), listener.tls() ? describeTls() : "off",
                    describeAllowList(), settings.maxAssociations());
        }
    }

    public boolean isListening() {
        return listeners.stream().allMatch(l -> l.acceptor().isAlive() && !l.serverSocket().isClosed());
    }

    private void acceptLoop(ServerSocket serverSocket, boolean overTls) {
        while (!serverSocket.isClosed()) {
            Socket socket;
            try {
                socket = serverSocket.accept();
            } catch (IOException e) {
                if (!serverSocket.isClosed()) {
                    log.error("event=dicom.accept-failed error=\"{}\"", e.getMessage());
                }
                continue;
            }
            try {
                associations.execute(() -> serve(socket, overTls));
            } catch (RejectedExecutionException e) {
                metrics.associationRejected("no-thread");
                log.warn("event=association.dropped peer={} reason=\"more connections than "
                        + "osteonode.dicom.max-associations allows, even for refusals\"", socket.getRemoteSocketAddress());
                closeQuietly(socket);
            }
        }
    }

    private void serve(Socket accepted, boolean overTls) {
        Socket socket = accepted;
        open.add(accepted);
        boolean[] admitted = {false};
        DimseMessageHandler handler = null;
        String callingAeTitle = "?";
        Association association = null;
        long started = System.nanoTime();
        int[] outcomes = {0, 0}; // stored, refused
        String ending = "closed";
        String tlsClient = "-";
        try {
            socket.setSoTimeout((int) settings.timeout().toMillis());
            if (overTls) {
                SSLSocket secured = handshake(accepted);
                if (secured == null) {
                    ending = null;
                    return;
                }
                socket = secured;
                tlsClient = clientName(secured);
            }
            Socket connection = socket;
            association = PolicyAssociationAcceptor.accept(socket, settings.aeTitle(),
                    IMPLEMENTATION_CLASS_UID, IMPLEMENTATION_VERSION_NAME, settings.maxPduLength(),
                    presentationContextPolicy, calling -> {
                        if (!settings.allowedCallingAeTitles().allows(calling)) {
                            return Refusal.CALLING_AE_TITLE_NOT_RECOGNIZED;
                        }
                        admitted[0] = slots.tryAcquire();
                        return admitted[0] ? null : Refusal.LOCAL_LIMIT_EXCEEDED;
                    }, in -> new PduGuard(in, settings.maxPduLength(),
                            () -> PolicyAssociationAcceptor.sendAbort(connection)));
            callingAeTitle = association.getCallingAETitle();
            log.info("event=association.accepted calling_ae={} peer={} tls_client={}", LogText.quoted(callingAeTitle),
                    socket.getRemoteSocketAddress(), LogText.quoted(tlsClient));
            while (true) {
                handler = new DimseMessageHandler(spool, quarantine, settings.maxObjectBytes());
                association.setReceivedDataHandler(handler);
                association.waitForPDataPDUsUntilHandlerReportsDone();
                association.send(handler.presentationContextId(), handler.response(), null);
                deliver(handler, outcomes);
            }
        } catch (AReleaseException e) {
            ending = "released";
        } catch (PolicyAssociationAcceptor.RefusedException e) {
            ending = null;
            refused(e, socket);
        } catch (DicomNetworkException | IOException | RuntimeException e) {
            ending = "aborted";
            if (e instanceof RuntimeException) {
                // PixelMed's PDU parser met bytes that are not the PDU they claim to be: tell the peer
                PolicyAssociationAcceptor.sendAbort(socket);
            }
            log.warn("event=association.aborted calling_ae={} peer={} error={}", LogText.quoted(callingAeTitle),
                    socket.getRemoteSocketAddress(), LogText.quoted(e.getMessage()));
        } catch (Exception e) {
            ending = "failed";
            log.error("event=association.failed calling_ae={} error={}", LogText.quoted(callingAeTitle),
                    LogText.quoted(e.toString()));
        } finally {
            if (ending != null && association != null) {
                // the audit line of every association that was accepted: who, from where, what came of it
                log.info("event=association.closed how={} calling_ae={} peer={} stored={} refused={} seconds={}", ending,
                        LogText.quoted(callingAeTitle), socket.getRemoteSocketAddress(), outcomes[0], outcomes[1],
                        String.format(Locale.ROOT, "%.1f", (System.nanoTime() - started) / 1e9));
            }
            abandon(handler);
            if (admitted[0]) {
                slots.release();
            }
            open.remove(accepted);
            closeQuietly(socket);
        }
    }

    /**
     * The TLS handshake, within the association timeout; null when it failed (logged and counted: no client
     * certificate, one no trusted CA signed, no common protocol or cipher suite, or not TLS at all).
     */
    private SSLSocket handshake(Socket accepted) throws IOException {
        SSLSocket secured = tls.orElseThrow().serverSide(accepted);
        try {
            secured.startHandshake();
            return secured;
        } catch (IOException e) {
            metrics.associationRejected("tls-handshake");
            log.warn("event=association.rejected reason=tls-handshake peer={} error={} fix=\"{}\"",
                    accepted.getRemoteSocketAddress(), LogText.quoted(e.getMessage()), tls.orElseThrow()
                            .requiresClientCertificate() ? "the sender must use TLS 1.2 or 1.3 and present a "
                            + "certificate signed by a CA in osteonode.dicom.tls-client-ca-file"
                            : "the sender must use TLS 1.2 or 1.3");
            closeQuietly(secured);
            return null;
        }
    }

    /** The subject of the client's certificate, for the audit line; "-" when it presented none. */
    private static String clientName(SSLSocket secured) {
        try {
            java.security.cert.Certificate[] chain = secured.getSession().getPeerCertificates();
            return ((java.security.cert.X509Certificate) chain[0]).getSubjectX500Principal().getName();
        } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
            return "-";
        }
    }

    private String describeTls() {
        TlsContexts contexts = tls.orElseThrow();
        return contexts.requiresClientCertificate() ? "client-certificate-required" : "server-certificate-only";
    }

    /** After the response is on the wire: count it and hand an acknowledged object to the pipeline. */
    private void deliver(DimseMessageHandler handler, int[] outcomes) {
        ReceivedObject received = handler.received();
        if (received != null) {
            metrics.instanceReceived();
            outcomes[0]++;
            sink.accept(received);
        } else if (handler.failureReason() != null) {
            metrics.instanceRejected(handler.failureReason());
            outcomes[1]++;
            log.info("event=object.refused reason={}", handler.failureReason());
        }
    }

    private void refused(PolicyAssociationAcceptor.RefusedException e, Socket socket) {
        String reason = e.refusal().name().toLowerCase(Locale.ROOT).replace('_', '-');
        metrics.associationRejected(reason);
        switch (e.refusal()) {
            case CALLING_AE_TITLE_NOT_RECOGNIZED -> log.warn("event=association.rejected reason={} calling_ae={} "
                    + "peer={} fix=\"calling AE '{}' is not in osteonode.dicom.allowed-calling-ae-titles; add it "
                    + "there (or set OSTEONODE_DICOM_ALLOWED_CALLING_AE_TITLES) to accept it\"", reason,
                    LogText.quoted(e.callingAeTitle()), socket.getRemoteSocketAddress(),
                    e.callingAeTitle().replace("\"", "?"));
            case CALLED_AE_TITLE_NOT_RECOGNIZED -> log.warn("event=association.rejected reason={} calling_ae={} "
                    + "called_ae={} fix=\"the sender must call AE title '{}' (osteonode.dicom.ae-title)\"", reason,
                    LogText.quoted(e.callingAeTitle()), LogText.quoted(e.calledAeTitle()), settings.aeTitle());
            case NO_PRESENTATION_CONTEXT -> log.warn("event=association.rejected reason={} calling_ae={} "
                    + "fix=\"the sender proposed no presentation context osteonode accepts (storage SOP classes and "
                    + "Verification)\"", reason, LogText.quoted(e.callingAeTitle()));
            case LOCAL_LIMIT_EXCEEDED -> log.warn("event=association.rejected reason={} calling_ae={} "
                    + "fix=\"{} associations are open; raise osteonode.dicom.max-associations to accept more\"",
                    reason, LogText.quoted(e.callingAeTitle()), settings.maxAssociations());
        }
    }

    private static void abandon(DimseMessageHandler handler) {
        if (handler == null) {
            return;
        }
        try {
            handler.abandon();
        } catch (IOException e) {
            log.error("event=spool.cleanup-failed error=\"{}\"", e.getMessage());
        }
    }

    private String describeAllowList() {
        Settings.CallingAeTitles allowed = settings.allowedCallingAeTitles();
        return allowed.any() ? "*" : allowed.titles().isEmpty() ? "(none)" : String.join(",", allowed.titles());
    }

    /**
     * Stops accepting, lets open associations finish for up to {@code grace}, then aborts the rest by closing
     * their connections; their unacknowledged objects are discarded and the senders will send them again.
     */
    public void stop(Duration grace) {
        listeners.forEach(listener -> closeQuietly(listener.serverSocket()));
        associations.shutdown();
        try {
            if (!associations.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("event=dicom.stop-aborting open_associations={}", open.size());
                open.forEach(StorageScp::closeQuietly);
                associations.awaitTermination(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stop(Duration.ZERO);
    }

    private static void closeQuietly(java.io.Closeable closeable) {
        try {
            closeable.close();
        } catch (IOException ignored) {
            // closing to abort; the peer may be gone already
        }
    }
}

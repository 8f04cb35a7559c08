package org.osteonode.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Free ports for the processes a test starts, taken below the kernel's ephemeral range (32768 and up): a port
 * handed out here and bound a moment later by the node cannot meanwhile be given by the kernel to another
 * process asking for any free port (the node's own PostgreSQL does; bin/test once lost a run to it).
 */
public final class Ports {
    private static final int FIRST = 20000;
    private static final int LAST = 32000;

    private Ports() {
    }

    public static int free() {
        for (int attempt = 0; attempt < 1000; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(FIRST, LAST);
            try (ServerSocket socket = new ServerSocket()) {
                socket.setReuseAddress(true);
                socket.bind(new InetSocketAddress(port));
                return port;
            } catch (IOException e) {
                // taken: try another
            }
        }
        throw new IllegalStateException("no free port between " + FIRST + " and " + LAST);
    }
}

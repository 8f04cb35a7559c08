package org.osteonode.delivery;

import java.nio.file.Path;

/** Sends one Part 10 file to the PACS; returns only when the PACS has accepted it. */
@FunctionalInterface
public interface PacsSender {
    void send(Path file) throws DeliveryException;
}

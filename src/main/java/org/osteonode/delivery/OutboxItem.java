package org.osteonode.delivery;

import java.nio.file.Path;

/** One object waiting for the PACS, and how often sending it has failed so far. */
public record OutboxItem(long id, String itemKey, Path file, int attempts) {
}

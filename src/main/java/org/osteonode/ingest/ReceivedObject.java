package org.osteonode.ingest;

import java.nio.file.Path;

/**
 * An acknowledged object in the spool, handed to the pipeline.
 *
 * @param header null when the object was found in the spool at start-up; the pipeline reads it then
 */
public record ReceivedObject(Path file, InstanceHeader header) {
}

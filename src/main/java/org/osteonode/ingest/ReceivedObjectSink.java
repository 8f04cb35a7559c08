package org.osteonode.ingest;

/** Where the receiver hands each acknowledged object; may block while the pipeline is full. */
@FunctionalInterface
public interface ReceivedObjectSink {
    void accept(ReceivedObject object);
}

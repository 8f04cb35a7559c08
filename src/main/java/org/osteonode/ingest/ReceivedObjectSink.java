package org.osteonode.ingest;

/** Where the receiver hands each acknowledged object, after its Success is sent; must not block. */
@FunctionalInterface
public interface ReceivedObjectSink {
    void accept(ReceivedObject object);
}

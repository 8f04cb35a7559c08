package org.osteonode.delivery;

/**
 * One object waiting for the PACS, and how often sending it has failed so far.
 *
 * @param objectKey where the outbox's store keeps the object ({@link Outbox#fetch} gives a local copy)
 */
public record OutboxItem(long id, String itemKey, String objectKey, int attempts) {
}

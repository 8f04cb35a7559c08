package org.osteonode.route;

import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteBuilder;
import org.osteonode.delivery.OutboxDelivery;

/** Every few seconds, whatever is due in the outbox goes to the PACS; failures are the outbox's to schedule. */
public final class DeliveryRoutes extends RouteBuilder {
    private static final long PERIOD_MILLIS = 2000;

    private final OutboxDelivery delivery;

    public DeliveryRoutes(OutboxDelivery delivery) {
        this.delivery = delivery;
    }

    @Override
    public void configure() {
        // Reaching the database is all that can fail here (the PACS's failures are recorded per item):
        // log it and let the next tick try again.
        onException(Exception.class)
                .handled(true)
                .log(LoggingLevel.WARN, "event=outbox.tick-failed error=\"${exception.message}\"");

        from("timer:outbox?period=" + PERIOD_MILLIS)
                .routeId("outbox")
                .process(exchange -> delivery.deliverDue());
    }
}

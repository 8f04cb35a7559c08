package org.osteonode.route;

import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteBuilder;
import org.osteonode.clinical.StudyReporter;

/**
 * Every second, studies that have become stable get their report queued in the outbox, and the identified
 * references of long-quiet reported studies are deleted.
 */
public final class ReportRoutes extends RouteBuilder {
    private static final long PERIOD_MILLIS = 1000;

    private final StudyReporter reporter;

    public ReportRoutes(StudyReporter reporter) {
        this.reporter = reporter;
    }

    @Override
    public void configure() {
        // A failed tick leaves the study due: the next tick makes its report.
        onException(Exception.class)
                .handled(true)
                .log(LoggingLevel.WARN, "event=report.tick-failed error=\"${exception.message}\"");

        from("timer:reports?period=" + PERIOD_MILLIS)
                .routeId("reports")
                .process(exchange -> reporter.reportStableStudies())
                .process(exchange -> reporter.forgetQuietStudies());
    }
}

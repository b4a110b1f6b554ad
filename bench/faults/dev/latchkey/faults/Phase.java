package dev.latchkey.faults;

/**
 * One phase of the run and its times (milliseconds since the harness started). With no fault,
 * {@code faultAt}, {@code healedAt} and {@code recoveredAt} are -1. A phase that did not return
 * to full service within the bound has {@code recovered} false and {@code recoveredAt} when the
 * harness gave up. {@code everyNodeRuns} is false for a fault that stops a node or cuts it off,
 * to which a request may then get no answer at all.
 */
record Phase(String name, String description, long start, long faultAt, long healedAt, long recoveredAt, boolean recovered,
             long end, boolean everyNodeRuns) {

    boolean contains(Exchange exchange) {
        return exchange.sentAt() >= start && exchange.sentAt() < end;
    }

    /** A {@code 503} is an honest answer only to a request sent while the fault or its recovery lasted. */
    boolean faultInForce(Exchange exchange) {
        return faultAt >= 0 && exchange.answeredAt() >= faultAt && exchange.sentAt() <= recoveredAt;
    }

    long recoverySeconds() {
        return recoveredAt < 0 ? -1 : Math.round((recoveredAt - healedAt) / 1000.0);
    }
}

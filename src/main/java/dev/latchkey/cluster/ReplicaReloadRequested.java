package dev.latchkey.cluster;

/**
 * Fired asynchronously when this node, after its JVM stood still, may have missed writes the other
 * members made meanwhile ({@link ViewConfirmation}): an observer that keeps a durable record of a
 * cache reads it into this node's replica again, and the view is confirmed once every observer is
 * done. Fired again if an observer fails.
 */
public record ReplicaReloadRequested() {
}

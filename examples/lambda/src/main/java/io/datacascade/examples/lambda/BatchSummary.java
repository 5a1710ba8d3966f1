package io.datacascade.examples.lambda;

/**
 * What one invocation did with its batch, returned by {@link MskToDynamoDbHandler#handleRequest}
 * and logged: Lambda shows it as the invocation's result (JSON) when the function is invoked
 * directly; an MSK event source mapping ignores it. A plain bean rather than a record, so every
 * version of the Lambda Java runtime's serializer writes it as
 * {@code {"records":9,"pointsWritten":6,"deadLettered":3,"alerts":2}}.
 */
public final class BatchSummary {
    private final int records;
    private final long pointsWritten;
    private final long deadLettered;
    private final long alerts;

    BatchSummary(int records, long pointsWritten, long deadLettered, long alerts) {
        this.records = records;
        this.pointsWritten = pointsWritten;
        this.deadLettered = deadLettered;
        this.alerts = alerts;
    }

    /** Records in the event. */
    public int getRecords() {
        return records;
    }

    /** Points stored in the points table. */
    public long getPointsWritten() {
        return pointsWritten;
    }

    /** Records that could not be parsed, validated or stored: logged, and kept in the dead-letter table if configured. */
    public long getDeadLettered() {
        return deadLettered;
    }

    /** Alert events raised (firing, pending or resolved): logged, and stored in the alerts table if configured. */
    public long getAlerts() {
        return alerts;
    }

    @Override
    public String toString() {
        return records + " record(s): " + pointsWritten + " point(s) written, " + deadLettered + " dead-lettered, "
                + alerts + " alert event(s)";
    }
}

package io.datacascade.kafka;

/**
 * Header names on dead-letter records. A dead-letter record keeps the failed record's original
 * key and value bytes and headers unchanged, and adds these (UTF-8 string values), so it can be
 * inspected, fixed and replayed to the source topic as it was.
 */
public final class DeadLetterHeaders {
    /** Why the record failed: the exception's class and message. */
    public static final String REASON = "dc.reason";
    /** The step that failed: {@code decode} for records the source could not read, else the stage or sink name. */
    public static final String STAGE = "dc.stage";
    /** The pipeline the record failed in. */
    public static final String PIPELINE = "dc.pipeline";
    /** The exception's class name. */
    public static final String EXCEPTION = "dc.exception";
    /** Topic the record was consumed from. */
    public static final String SOURCE_TOPIC = "dc.source.topic";
    /** Partition the record was consumed from (decimal). */
    public static final String SOURCE_PARTITION = "dc.source.partition";
    /** Offset the record was consumed from (decimal). */
    public static final String SOURCE_OFFSET = "dc.source.offset";
    /** When it failed, epoch milliseconds (decimal). */
    public static final String FAILED_AT = "dc.failed.at";

    /** The stage name used for records that failed to decode in the source. */
    public static final String DECODE_STAGE = "decode";

    private DeadLetterHeaders() {
    }
}

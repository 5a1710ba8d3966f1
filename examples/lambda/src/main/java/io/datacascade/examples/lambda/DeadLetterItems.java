package io.datacascade.examples.lambda;

import io.datacascade.core.DeadLetter;
import io.datacascade.dynamodb.ItemMapper;
import io.datacascade.dynamodb.PointItems;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The dead-letter table's layout: one item per source record that could not be stored, keyed by
 * its source position, so a replayed batch overwrites its dead letters instead of adding copies.
 *
 * <table>
 *   <caption>Dead-letter item attributes</caption>
 *   <tr><th>Attribute</th><th>Type</th><th>What</th></tr>
 *   <tr><td>{@code series}</td><td>S, partition key</td><td>the source position {@code topic-partition-offset}</td></tr>
 *   <tr><td>{@code ts}</td><td>N, sort key</td><td>the record's Kafka timestamp, epoch ms</td></tr>
 *   <tr><td>{@code topic}, {@code partition}, {@code offset}</td><td>S, N, N</td><td>the position, for filtering</td></tr>
 *   <tr><td>{@code stage}</td><td>S</td><td>where it failed: {@code parse}, {@code validate}, ... or a sink</td></tr>
 *   <tr><td>{@code reason}</td><td>S</td><td>why, in words</td></tr>
 *   <tr><td>{@code error_type}</td><td>S</td><td>the exception's class, when there was one</td></tr>
 *   <tr><td>{@code raw_value}</td><td>S</td><td>the record value: UTF-8 text, or base64 when it is not UTF-8; omitted when empty</td></tr>
 *   <tr><td>{@code raw_encoding}</td><td>S</td><td>{@code utf-8} or {@code base64}</td></tr>
 *   <tr><td>{@code raw_truncated}</td><td>BOOL</td><td>present and true when the value was cut at {@value #MAX_RAW_CHARS} characters</td></tr>
 *   <tr><td>{@code pipeline}, {@code failed_at}</td><td>S, N</td><td>the pipeline and when it failed (epoch ms)</td></tr>
 * </table>
 *
 * <p>The keys reuse the points table's schema ({@code series} S, {@code ts} N), so the same
 * {@code DynamoDbSink} creates and checks the table. A raw value is cut to stay well below
 * DynamoDB's 400 KB item limit, so a dead letter itself is never refused.
 */
final class DeadLetterItems implements ItemMapper<DeadLetter> {
    static final String TOPIC = "topic";
    static final String PARTITION = "partition";
    static final String OFFSET = "offset";
    static final String STAGE = "stage";
    static final String REASON = "reason";
    static final String ERROR_TYPE = "error_type";
    static final String RAW_VALUE = "raw_value";
    static final String RAW_ENCODING = "raw_encoding";
    static final String RAW_TRUNCATED = "raw_truncated";
    static final String PIPELINE = "pipeline";
    static final String FAILED_AT = "failed_at";

    /** Longest raw value kept, in characters. */
    static final int MAX_RAW_CHARS = 64 * 1024;

    @Override
    public Map<String, AttributeValue> toItem(DeadLetter letter) {
        Map<String, AttributeValue> item = new HashMap<>(16);
        if (letter.origin() instanceof SourcePosition position) {
            item.put(PointItems.PARTITION_KEY, AttributeValue.fromS(position.key()));
            item.put(PointItems.SORT_KEY, AttributeValue.fromN(Long.toString(position.kafkaTimestamp())));
            item.put(TOPIC, AttributeValue.fromS(position.topic()));
            item.put(PARTITION, AttributeValue.fromN(Integer.toString(position.partition())));
            item.put(OFFSET, AttributeValue.fromN(Long.toString(position.offset())));
            putRaw(item, position.rawValue());
        } else {
            // not from this handler's source (never expected): key it by the pipeline sequence
            item.put(PointItems.PARTITION_KEY, AttributeValue.fromS(letter.pipeline() + "#" + letter.sequence()));
            item.put(PointItems.SORT_KEY, AttributeValue.fromN(Long.toString(letter.timestamp())));
        }
        item.put(STAGE, AttributeValue.fromS(letter.stage()));
        item.put(REASON, AttributeValue.fromS(truncate(reasonOf(letter))));
        if (letter.error() != null) {
            item.put(ERROR_TYPE, AttributeValue.fromS(letter.error().getClass().getName()));
        }
        item.put(PIPELINE, AttributeValue.fromS(letter.pipeline()));
        item.put(FAILED_AT, AttributeValue.fromN(Long.toString(letter.timestamp())));
        return item;
    }

    /** The reason in words: the exception's message when there is one (its class goes to {@code error_type}). */
    static String reasonOf(DeadLetter letter) {
        Throwable error = letter.error();
        String message = error == null ? null : error.getMessage();
        return message == null || message.isBlank() ? letter.reason() : message;
    }

    private static void putRaw(Map<String, AttributeValue> item, String base64) {
        if (base64 == null || base64.isEmpty()) {
            return;
        }
        String text;
        String encoding;
        try {
            byte[] bytes = Base64.getDecoder().decode(base64);
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
            encoding = "utf-8";
        } catch (IllegalArgumentException | CharacterCodingException notText) {
            text = base64; // not base64, or not UTF-8: keep what Lambda delivered
            encoding = "base64";
        }
        if (text.isEmpty()) {
            return;
        }
        if (text.length() > MAX_RAW_CHARS) {
            item.put(RAW_TRUNCATED, AttributeValue.fromBool(true));
        }
        item.put(RAW_VALUE, AttributeValue.fromS(truncate(text)));
        item.put(RAW_ENCODING, AttributeValue.fromS(encoding));
    }

    private static String truncate(String s) {
        if (s.length() <= MAX_RAW_CHARS) {
            return s;
        }
        int end = MAX_RAW_CHARS;
        if (Character.isHighSurrogate(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(0, end);
    }

    @Override
    public String toString() {
        return "DeadLetterItems";
    }
}

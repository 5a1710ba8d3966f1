package io.datacascade.dynamodb.internal;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * DynamoDB's item size, computed as its documentation describes (names and values in UTF-8,
 * numbers by significant digits, 3 bytes per map or list plus 1 per element), so items over the
 * 400 KB limit are caught before a whole request of 25 is refused for one of them.
 */
public final class ItemSize {
    /** DynamoDB's maximum item size. */
    public static final int LIMIT = 400 * 1024;

    private ItemSize() {
    }

    public static long of(Map<String, AttributeValue> item) {
        long size = 0;
        for (Map.Entry<String, AttributeValue> e : item.entrySet()) {
            size += utf8(e.getKey()) + of(e.getValue());
        }
        return size;
    }

    private static long of(AttributeValue v) {
        if (v.s() != null) {
            return utf8(v.s());
        }
        if (v.n() != null) {
            return (v.n().length() + 1) / 2 + 1;
        }
        if (v.b() != null) {
            return v.b().asByteArrayUnsafe().length;
        }
        if (v.bool() != null || Boolean.TRUE.equals(v.nul())) {
            return 1;
        }
        if (v.hasM()) {
            long size = 3;
            for (Map.Entry<String, AttributeValue> e : v.m().entrySet()) {
                size += utf8(e.getKey()) + of(e.getValue()) + 1;
            }
            return size;
        }
        if (v.hasL()) {
            return 3 + sum(v.l());
        }
        if (v.hasSs()) {
            long size = 0;
            for (String s : v.ss()) {
                size += utf8(s);
            }
            return size;
        }
        if (v.hasNs()) {
            long size = 0;
            for (String n : v.ns()) {
                size += (n.length() + 1) / 2 + 1;
            }
            return size;
        }
        return 1;
    }

    private static long sum(List<AttributeValue> values) {
        long size = 0;
        for (AttributeValue v : values) {
            size += of(v) + 1;
        }
        return size;
    }

    private static long utf8(String s) {
        // ASCII fast path: most names and series are
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 0x80) {
                return s.getBytes(StandardCharsets.UTF_8).length;
            }
        }
        return s.length();
    }
}

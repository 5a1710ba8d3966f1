package io.datacascade.kafka.internal;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** The one idempotent-producer configuration every DataCascade producer starts from. */
public final class ProducerSettings {
    private ProducerSettings() {
    }

    /**
     * {@code acks=all}, idempotence, byte-array serializers, batching for throughput, and timeouts
     * derived from {@code deliveryTimeout}: the client requires
     * {@code delivery.timeout.ms >= linger.ms + request.timeout.ms}, and {@code send()} must not
     * block longer than a record may take in all. {@code overrides} win, except the serializers.
     */
    public static Map<String, Object> idempotent(String bootstrapServers, Duration deliveryTimeout, Map<String, Object> overrides) {
        Map<String, Object> c = new HashMap<>();
        long delivery = deliveryTimeout.toMillis();
        c.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        c.put(ProducerConfig.ACKS_CONFIG, "all");
        c.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        c.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        c.put(ProducerConfig.BATCH_SIZE_CONFIG, 128 * 1024);
        c.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) delivery);
        c.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.max(500, Math.min(30_000, delivery / 2)));
        c.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) Math.min(60_000, delivery));
        c.putAll(overrides);
        c.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        c.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        return c;
    }
}

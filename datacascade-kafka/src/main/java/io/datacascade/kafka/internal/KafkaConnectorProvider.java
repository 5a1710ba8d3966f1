package io.datacascade.kafka.internal;

import io.datacascade.core.ConnectorProvider;
import io.datacascade.core.Point;
import io.datacascade.core.Sink;
import io.datacascade.core.Source;
import io.datacascade.core.UriParameters;
import io.datacascade.kafka.KafkaSink;
import io.datacascade.kafka.KafkaSource;
import io.datacascade.kafka.PointJsonCodec;
import java.net.URI;
import java.util.Map;
import java.util.Set;

/**
 * The {@code kafka://} scheme: {@code kafka://host:9092[,host2:9092]/topic?group=g1} reads JSON
 * points in group {@code g1}; the same URI without {@code group} writes them. Source parameters:
 * {@code group} (required), {@code dlq} (dead-letter topic, default {@code <topic>.dlq},
 * {@code none} to only log), {@code series} (series for records in the original
 * {@code {"time","value"}} form). Any parameter with a dot in its name is passed to the Kafka
 * client as a setting, e.g. {@code max.poll.records=500} or {@code compression.type=lz4}.
 */
public final class KafkaConnectorProvider implements ConnectorProvider {
    private static final Set<String> SOURCE_PARAMS = Set.of("group", "dlq", "series");

    @Override
    public String scheme() {
        return "kafka";
    }

    @Override
    public Source<Point> createSource(URI uri) {
        UriParameters params = UriParameters.of(uri, SOURCE_PARAMS, KafkaConnectorProvider::isClientSetting);
        String topic = topic(uri);
        String group = params.string("group", null);
        if (group == null || group.isBlank()) {
            throw new IllegalArgumentException("a Kafka source needs a consumer group: add ?group=<name> to '" + uri + "'");
        }
        PointJsonCodec codec = PointJsonCodec.create();
        String series = params.string("series", null);
        if (series != null) {
            codec = codec.withDefaultSeries(series);
        }
        KafkaSource.Builder<Point> b = KafkaSource.builder(codec).bootstrapServers(servers(uri)).topics(topic).groupId(group);
        String dlq = params.string("dlq", topic + ".dlq");
        if (!"none".equals(dlq)) {
            b.deadLetterTopic(dlq);
        }
        clientSettings(params).forEach(b::property);
        return b.build();
    }

    @Override
    public Sink<Point> createSink(URI uri) {
        UriParameters params = UriParameters.of(uri, Set.of(), KafkaConnectorProvider::isClientSetting);
        KafkaSink.Builder<Point> b = KafkaSink.builder(PointJsonCodec.create()).bootstrapServers(servers(uri)).topic(topic(uri));
        clientSettings(params).forEach(b::property);
        return b.build();
    }

    private static boolean isClientSetting(String key) {
        return key.indexOf('.') > 0;
    }

    private static Map<String, String> clientSettings(UriParameters params) {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        params.asMap().forEach((k, v) -> {
            if (isClientSetting(k)) {
                out.put(k, v);
            }
        });
        return out;
    }

    private static String servers(URI uri) {
        String authority = uri.getRawAuthority();
        if (authority == null || authority.isBlank()) {
            throw new IllegalArgumentException("no broker address in '" + uri + "'; expected kafka://host:port/topic");
        }
        return authority;
    }

    private static String topic(URI uri) {
        String path = uri.getPath();
        String topic = path == null ? "" : path.replaceFirst("^/", "");
        if (topic.isEmpty() || topic.contains("/")) {
            throw new IllegalArgumentException("expected one topic after the broker address in '" + uri
                    + "', e.g. kafka://localhost:9092/data-stream");
        }
        return topic;
    }
}

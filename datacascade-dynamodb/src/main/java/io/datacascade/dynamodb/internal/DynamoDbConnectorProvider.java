package io.datacascade.dynamodb.internal;

import io.datacascade.core.ConnectorProvider;
import io.datacascade.core.Point;
import io.datacascade.core.Sink;
import io.datacascade.core.UriParameters;
import io.datacascade.dynamodb.DynamoDbSink;
import java.net.URI;
import java.util.Set;

/**
 * The {@code dynamodb://} scheme: {@code dynamodb://points?region=eu-west-1} writes points to
 * table {@code points}; {@code endpoint=http://localhost:8000} targets a DynamoDB-compatible
 * server; {@code create=false} refuses to create a missing table; {@code concurrency=N} sets
 * the requests in flight.
 */
public final class DynamoDbConnectorProvider implements ConnectorProvider {
    private static final Set<String> PARAMS = Set.of("region", "endpoint", "create", "concurrency");

    @Override
    public String scheme() {
        return "dynamodb";
    }

    @Override
    public Sink<Point> createSink(URI uri) {
        UriParameters params = UriParameters.of(uri, PARAMS);
        String table = uri.getHost() != null ? uri.getHost() : uri.getAuthority();
        if (table == null || table.isBlank()) {
            throw new IllegalArgumentException("no table in '" + uri + "'; expected dynamodb://table?region=...");
        }
        DynamoDbSink.Builder<Point> b = DynamoDbSink.points(table);
        String region = params.string("region", null);
        if (region != null) {
            b.region(region);
        }
        String endpoint = params.string("endpoint", null);
        if (endpoint != null) {
            b.endpoint(URI.create(endpoint));
        }
        String create = params.string("create", "true");
        if (!create.equals("true") && !create.equals("false")) {
            throw new IllegalArgumentException("parameter 'create' in '" + uri + "' must be true or false, was '" + create + "'");
        }
        b.createTable(Boolean.parseBoolean(create));
        b.maxConcurrentRequests((int) params.longValue("concurrency", 4, 1));
        return b.build();
    }
}

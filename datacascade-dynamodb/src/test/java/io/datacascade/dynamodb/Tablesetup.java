package io.datacascade.dynamodb;

import io.datacascade.dynamodb.internal.Tables;
import java.time.Duration;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** Creates a points table directly, so a test's faults hit only the writes. */
final class Tablesetup {
    private Tablesetup() {
    }

    static void create(DynamoDbClient client, String table) {
        Tables.ensure(client, table, true, Duration.ofSeconds(30));
    }
}

package io.datacascade.testsupport;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/** DynamoDB clients and tables for this module's tests: the way a user builds them against dynalite. */
final class DynamoTestClients {

    private DynamoTestClients() {
    }

    /** A client that does not retry, so every injected fault reaches the test. */
    static DynamoDbClient client(URI endpoint) {
        return DynamoDbClient.builder()
                .endpointOverride(endpoint)
                .region(Region.of("us-east-1"))
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(Dynalite.accessKeyId(), Dynalite.secretAccessKey())))
                .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry())
                        .apiCallTimeout(Duration.ofSeconds(10)))
                .build();
    }

    /** Creates a time-series table: {@code series} (S) hash key, {@code ts} (N) range key, on demand. */
    static void createSeriesTable(DynamoDbClient dynamo, String table) {
        dynamo.createTable(b -> b.tableName(table)
                .attributeDefinitions(
                        AttributeDefinition.builder().attributeName("series").attributeType(ScalarAttributeType.S).build(),
                        AttributeDefinition.builder().attributeName("ts").attributeType(ScalarAttributeType.N).build())
                .keySchema(
                        KeySchemaElement.builder().attributeName("series").keyType(KeyType.HASH).build(),
                        KeySchemaElement.builder().attributeName("ts").keyType(KeyType.RANGE).build())
                .billingMode(BillingMode.PAY_PER_REQUEST));
    }

    static Map<String, AttributeValue> item(String series, long ts, double value) {
        return Map.of(
                "series", AttributeValue.fromS(series),
                "ts", AttributeValue.fromN(Long.toString(ts)),
                "value", AttributeValue.fromN(Double.toString(value)));
    }

    static Map<String, AttributeValue> key(String series, long ts) {
        return Map.of("series", AttributeValue.fromS(series), "ts", AttributeValue.fromN(Long.toString(ts)));
    }
}

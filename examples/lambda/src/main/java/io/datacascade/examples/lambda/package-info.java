/**
 * An AWS Lambda handler for Amazon MSK event batches, built on DataCascade: parse, validate, alert
 * and store points in DynamoDB; see {@link io.datacascade.examples.lambda.MskToDynamoDbHandler}.
 *
 * <p>Run it locally against a DynamoDB-compatible server, as the tests do:
 *
 * <pre>{@code
 * try (MskToDynamoDbHandler handler = new MskToDynamoDbHandler(Map.of(
 *         "POINTS_TABLE", "points",
 *         "DEAD_LETTER_TABLE", "points-dead-letters",
 *         "DEFAULT_SERIES", "legacy.value",
 *         "DYNAMODB_ENDPOINT", "http://localhost:8000",
 *         "AWS_REGION", "us-east-1",
 *         "AWS_ACCESS_KEY_ID", "local", "AWS_SECRET_ACCESS_KEY", "local"))) {
 *     KafkaEvent event = EventLoader.loadKafkaEvent("msk-event.json");   // aws-lambda-java-tests
 *     BatchSummary summary = handler.handleRequest(event, context);
 * }
 * }</pre>
 */
package io.datacascade.examples.lambda;

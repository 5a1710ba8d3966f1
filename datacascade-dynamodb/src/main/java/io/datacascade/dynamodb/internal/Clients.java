package io.datacascade.dynamodb.internal;

import java.net.URI;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClientBuilder;

/** The SDK clients DataCascade builds when the user does not pass one. */
public final class Clients {
    private static final Logger LOG = LoggerFactory.getLogger(Clients.class);

    private Clients() {
    }

    /**
     * A client for {@code region}, at {@code endpoint} if given (a DynamoDB-compatible server),
     * with the default credentials chain; a local endpoint without credentials gets dummy ones
     * (local servers accept any). {@code sdkRetries}: false when the caller retries itself.
     */
    public static DynamoDbClient create(String region, URI endpoint, boolean sdkRetries) {
        DynamoDbClientBuilder b = DynamoDbClient.builder().region(Region.of(region)).credentialsProvider(credentials(endpoint));
        if (endpoint != null) {
            b.endpointOverride(endpoint);
        }
        if (!sdkRetries) {
            b.overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry()));
        }
        return b.build();
    }

    private static AwsCredentialsProvider credentials(URI endpoint) {
        DefaultCredentialsProvider chain = DefaultCredentialsProvider.builder().build();
        if (endpoint == null) {
            return chain;
        }
        try {
            chain.resolveCredentials();
            return chain;
        } catch (SdkClientException none) {
            LOG.info("No AWS credentials found; using dummy ones for the DynamoDB endpoint {}", endpoint);
            return StaticCredentialsProvider.create(AwsBasicCredentials.create("datacascade-local", "datacascade-local"));
        }
    }
}

package io.datacascade.examples.lambda;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import java.nio.charset.StandardCharsets;

/** A Lambda {@link Context} for tests: a fixed function, and a clock that counts down from the given remaining time. */
final class FakeContext implements Context {
    private final long deadlineMillis;

    FakeContext(int remainingMillis) {
        this.deadlineMillis = System.currentTimeMillis() + remainingMillis;
    }

    @Override
    public String getAwsRequestId() {
        return "3f1c2c3e-9f6a-4c8e-8a59-3b8c1e0d1a2b";
    }

    @Override
    public String getLogGroupName() {
        return "/aws/lambda/datacascade-msk-to-dynamodb";
    }

    @Override
    public String getLogStreamName() {
        return "2024/11/28/[$LATEST]0123456789abcdef";
    }

    @Override
    public String getFunctionName() {
        return "datacascade-msk-to-dynamodb";
    }

    @Override
    public String getFunctionVersion() {
        return "$LATEST";
    }

    @Override
    public String getInvokedFunctionArn() {
        return "arn:aws:lambda:us-east-1:123456789012:function:datacascade-msk-to-dynamodb";
    }

    @Override
    public CognitoIdentity getIdentity() {
        return null;
    }

    @Override
    public ClientContext getClientContext() {
        return null;
    }

    @Override
    public int getRemainingTimeInMillis() {
        return (int) Math.max(0, deadlineMillis - System.currentTimeMillis());
    }

    @Override
    public int getMemoryLimitInMB() {
        return 512;
    }

    @Override
    public LambdaLogger getLogger() {
        return new LambdaLogger() {
            @Override
            public void log(String message) {
                System.out.println(message);
            }

            @Override
            public void log(byte[] message) {
                System.out.println(new String(message, StandardCharsets.UTF_8));
            }
        };
    }
}

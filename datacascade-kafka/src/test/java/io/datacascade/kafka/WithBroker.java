package io.datacascade.kafka;

import io.datacascade.testsupport.EmbeddedKafka;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** One real broker per test class: started before the first test, stopped and deleted after the last. */
abstract class WithBroker {
    static EmbeddedKafka kafka;

    @BeforeAll
    static void startBroker() {
        kafka = EmbeddedKafka.start();
    }

    @AfterAll
    static void stopBroker() {
        if (kafka != null) {
            kafka.close();
            kafka = null;
        }
    }
}

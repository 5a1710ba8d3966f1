package io.datacascade.websocket;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;

/** Servers, feeds and clients a test opens, closed newest first after each test. */
abstract class ChartTestSupport {

    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
        open.clear();
    }

    <T extends AutoCloseable> T track(T resource) {
        open.add(resource);
        return resource;
    }

    /** Starts the server on a free port; closed after the test. */
    ChartServer server(ChartServer.Builder builder) {
        return track(builder.port(0).start());
    }
}

/**
 * DataCascade core: the pipeline engine, the plug-in SPI, the lock-free ring buffer and the test
 * kit. Depends only on SLF4J; Micrometer meters are registered when Micrometer is present.
 */
module io.datacascade.core {
    requires org.slf4j;
    requires static micrometer.core;
    requires static com.fasterxml.jackson.databind;
    requires static com.fasterxml.jackson.dataformat.yaml;

    exports io.datacascade.core;
    exports io.datacascade.core.micrometer;
    exports io.datacascade.core.window;
    exports io.datacascade.core.alert;
    exports io.datacascade.testkit;

    uses io.datacascade.core.ConnectorProvider;
    uses io.datacascade.core.alert.AlertConditionProvider;

    provides io.datacascade.core.ConnectorProvider with
            io.datacascade.core.internal.connect.BuiltInConnectors.Memory,
            io.datacascade.core.internal.connect.BuiltInConnectors.Simulator;
    provides io.datacascade.core.alert.AlertConditionProvider with io.datacascade.core.internal.alert.TagEquals;
}

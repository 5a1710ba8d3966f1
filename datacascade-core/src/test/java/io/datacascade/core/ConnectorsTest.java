package io.datacascade.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ConnectorsTest {

    @Test
    void shouldListBuiltInSchemes() {
        assertThat(DataCascade.schemes()).contains("memory", "sim");
    }

    @Test
    void shouldResolveMemoryUrisToNamedInstances() {
        Sink<Point> sink = DataCascade.sink("memory://connectors-test");
        assertThat(sink).isSameAs(MemorySink.named("connectors-test"));
        Source<Point> source = DataCascade.source("memory://connectors-test");
        assertThat(source).isSameAs(MemorySource.named("connectors-test"));
        MemorySink.remove("connectors-test");
        MemorySource.remove("connectors-test");
    }

    @Test
    void shouldBuildSimulatorFromUri() {
        Source<Point> sim = DataCascade.source("sim://?series=8&rate=250&shape=sine&seed=7&limit=100&prefix=cpu-");
        assertThat(sim).isInstanceOf(SimulatorSource.class)
                .hasToString("sim://?series=8&rate=250.0&shape=sine&seed=7&limit=100");
    }

    @Test
    void shouldNameUnknownSchemeAndKnownOnes() {
        assertThatThrownBy(() -> DataCascade.source("nope://x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("no connector for scheme 'nope' in source uri 'nope://x'; known schemes: [")
                .hasMessageContaining("memory")
                .hasMessageEndingWith("Is the module that provides it on the classpath?");
    }

    @Test
    void shouldRejectUriWithoutScheme() {
        assertThatThrownBy(() -> DataCascade.sink("just-a-name"))
                .hasMessageStartingWith("invalid sink uri 'just-a-name': it needs a scheme");
    }

    @Test
    void shouldNameBadParameterAndValue() {
        assertThatThrownBy(() -> DataCascade.source("sim://?rate=fast"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("parameter 'rate' in 'sim://?rate=fast' must be a number, was 'fast'");
        assertThatThrownBy(() -> DataCascade.source("sim://?series=0"))
                .hasMessage("parameter 'series' in 'sim://?series=0' must be at least 1, was '0'");
        assertThatThrownBy(() -> DataCascade.source("sim://?shape=square"))
                .hasMessage("parameter 'shape' in 'sim://?shape=square' must be one of [random-walk, sine, noise], was 'square'");
    }

    @Test
    void shouldRejectUnknownParameters() {
        assertThatThrownBy(() -> DataCascade.source("sim://?sereis=3"))
                .hasMessage("unknown parameter 'sereis' in 'sim://?sereis=3'; allowed: [limit, prefix, rate, seed, series, shape, spikeEvery, spikeHeight, spikeLength]");
    }

    @Test
    void shouldSaySchemeHasNoSink() {
        assertThatThrownBy(() -> DataCascade.sink("sim://"))
                .isInstanceOf(UnsupportedOperationException.class)
                .hasMessage("scheme 'sim' provides no sink (in sim:///)");
    }

    @Test
    void shouldRequireMemoryName() {
        assertThatThrownBy(() -> DataCascade.sink("memory://"))
                .hasMessageContaining("needs a name, for example memory://output");
    }
}

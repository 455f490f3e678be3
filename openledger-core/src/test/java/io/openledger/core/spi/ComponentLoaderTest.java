package io.openledger.core.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ComponentLoaderTest {
    record Algo(String id) implements Named {}

    @Test
    void handedInComponentsAreFoundByTypeAndId() {
        ComponentLoader loader = ComponentLoader.of(new Algo("b"), "not an algo", new Algo("a"));
        assertThat(loader.load(Algo.class)).extracting(Algo::id).containsExactly("a", "b");
        assertThat(loader.require(Algo.class, "b").id()).isEqualTo("b");
        assertThatThrownBy(() -> loader.require(Algo.class, "zz"))
                .hasMessageContaining("'zz'")
                .hasMessageContaining("[a, b]");
    }

    @Test
    void serviceLoaderFindsNothingForAnUnprovidedSpi() {
        assertThat(ComponentLoader.serviceLoader().load(Algo.class)).isEmpty();
    }
}

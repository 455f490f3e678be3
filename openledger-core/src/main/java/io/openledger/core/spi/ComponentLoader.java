package io.openledger.core.spi;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * Finds plug-in implementations of an SPI (attribution methods, engines, stores). The default is
 * {@link ServiceLoader}; a dependency-injection host replaces it with {@link #of} to hand in the
 * instances it built itself.
 *
 * <p>Implementations must be thread-safe.
 */
@FunctionalInterface
public interface ComponentLoader {
    /** Every implementation of {@code spi} this loader knows, in a stable order. */
    <T> List<T> load(Class<T> spi);

    /**
     * The implementation of {@code spi} whose {@link Named#id()} equals {@code id}.
     *
     * @throws IllegalArgumentException if there is none, naming the ids that exist
     */
    default <T extends Named> T require(Class<T> spi, String id) {
        List<T> all = load(spi);
        return all.stream()
                .filter(t -> t.id().equals(id))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no " + spi.getSimpleName() + " with id '" + id
                        + "'; available: " + all.stream().map(Named::id).toList()));
    }

    /** The implementation with this id, if present. */
    default <T extends Named> Optional<T> find(Class<T> spi, String id) {
        return load(spi).stream().filter(t -> t.id().equals(id)).findFirst();
    }

    /**
     * Loads through {@link ServiceLoader} with the thread context class loader (module path
     * providers and {@code META-INF/services} on the class path both count), sorted by id where the
     * components are {@link Named}.
     */
    static ComponentLoader serviceLoader() {
        return new ComponentLoader() {
            @Override
            public <T> List<T> load(Class<T> spi) {
                // A named module may only load services it declares `uses` for; SPIs defined in other
                // modules are unknown to core at compile time, so declare the use now (allowed for the
                // module's own code).
                ComponentLoader.class.getModule().addUses(spi);
                ClassLoader cl = Thread.currentThread().getContextClassLoader();
                List<T> out = new ArrayList<>();
                ServiceLoader.load(spi, cl != null ? cl : spi.getClassLoader()).forEach(out::add);
                sortById(out);
                return List.copyOf(out);
            }
        };
    }

    /** A loader that knows exactly {@code components} and nothing else (for DI hosts and tests). */
    static ComponentLoader of(Object... components) {
        List<Object> fixed = List.of(components);
        return new ComponentLoader() {
            @Override
            public <T> List<T> load(Class<T> spi) {
                List<T> out = new ArrayList<>();
                for (Object c : fixed) {
                    if (spi.isInstance(c)) {
                        out.add(spi.cast(c));
                    }
                }
                sortById(out);
                return List.copyOf(out);
            }
        };
    }

    private static <T> void sortById(List<T> list) {
        list.sort((a, b) ->
                a instanceof Named na && b instanceof Named nb ? na.id().compareTo(nb.id()) : 0);
    }
}

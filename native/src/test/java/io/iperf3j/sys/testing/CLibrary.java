package io.iperf3j.sys.testing;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;

/**
 * A C library other than libc, loaded for a differential test (core's RealCJsonTest and
 * RealUnitSnprintfTest call iperf3's own {@code libiperf.so.0}). Shipped in native's test-jar so
 * that every FFM binding of the tree is in this module (docs/design/one-native-layer.md).
 *
 * <p>Threads: the handles are immutable; the library stays loaded while its arena is open.
 */
@SuppressWarnings("restricted") // loading a library and binding its functions is the point of this class
public final class CLibrary {
    private final SymbolLookup lookup;
    private final Linker linker = Linker.nativeLinker();

    private CLibrary(SymbolLookup lookup) {
        this.lookup = lookup;
    }

    /** Loads {@code library} for as long as {@code arena} is open. */
    public static CLibrary open(Path library, Arena arena) {
        return new CLibrary(SymbolLookup.libraryLookup(library, arena));
    }

    /** A downcall handle of function {@code name}. */
    public MethodHandle function(String name, FunctionDescriptor descriptor) {
        return linker.downcallHandle(lookup.find(name).orElseThrow(() -> new UnsatisfiedLinkError(name)), descriptor);
    }

    /** The NUL-terminated string at {@code pointer} (a C function's result of unknown length). */
    public static String string(MemorySegment pointer) {
        return pointer.reinterpret(Long.MAX_VALUE).getString(0);
    }
}

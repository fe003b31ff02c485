package io.tokencost.backend.cuda;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

/**
 * The kernels the kernels module built, read from the classpath: {@value #DIR}kernels.properties
 * (written by kernels/build-kernels.sh) next to {@code <name>.ptx} and {@code <name>.sm_XY.cubin}.
 */
final class KernelManifest {

    static final String DIR = "/io/tokencost/kernels/cuda/";
    static final String NOT_BUILT = "CUDA kernels were not built: install the CUDA toolkit (nvcc) and rebuild with mvn package";

    private final boolean built;
    private final String nvccVersion;
    private final String ptxArch;
    private final List<String> kernels;
    private final List<String> cubinArchs;

    private KernelManifest(Properties p) {
        this.built = "true".equals(p.getProperty("built"));
        this.nvccVersion = p.getProperty("nvcc.version", "unknown");
        this.ptxArch = p.getProperty("ptx.arch", "");
        this.kernels = split(p.getProperty("kernels", ""));
        this.cubinArchs = split(p.getProperty("cubin.archs", ""));
    }

    /** The manifest on the classpath; empty when the kernels module is missing or was built without nvcc. */
    static Optional<KernelManifest> load() {
        try (InputStream in = KernelManifest.class.getResourceAsStream(DIR + "kernels.properties")) {
            if (in == null) {
                return Optional.empty();
            }
            Properties p = new Properties();
            p.load(in);
            KernelManifest m = new KernelManifest(p);
            return m.built ? Optional.of(m) : Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + DIR + "kernels.properties", e);
        }
    }

    /** The CUDA toolkit release the kernels were compiled with, e.g. {@code 13.0}. */
    String nvccVersion() {
        return nvccVersion;
    }

    String ptxArch() {
        return ptxArch;
    }

    List<String> kernels() {
        return kernels;
    }

    List<String> cubinArchs() {
        return cubinArchs;
    }

    /** The PTX text, NUL-terminated as cuModuleLoadData wants it. */
    static byte[] ptx(String module) {
        byte[] text = resource(module + ".ptx")
                .orElseThrow(() -> new IllegalStateException("kernel resource " + DIR + module + ".ptx is missing: " + NOT_BUILT));
        return Arrays.copyOf(text, text.length + 1);
    }

    /** The cubin for this architecture ({@code sm_90}), when one was built. */
    static Optional<byte[]> cubin(String module, String smArch) {
        return resource(module + "." + smArch + ".cubin");
    }

    static Optional<byte[]> resource(String file) {
        try (InputStream in = KernelManifest.class.getResourceAsStream(DIR + file)) {
            return in == null ? Optional.empty() : Optional.of(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + DIR + file, e);
        }
    }

    private static List<String> split(String csv) {
        return csv.isBlank() ? List.of() : List.of(csv.trim().split("\\s*,\\s*"));
    }
}

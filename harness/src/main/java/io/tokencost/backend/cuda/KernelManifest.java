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
 * (written by kernels/build-kernels.sh) next to each {@code .cu} file's two images, {@code <name>.fatbin}
 * (SASS per architecture and PTX for newer GPUs) and {@code <name>.ptx} (the compatibility PTX for
 * compute_80 at the lowest PTX ISA it needs).
 */
final class KernelManifest {

    static final String DIR = "/io/tokencost/kernels/cuda/";
    static final String NOT_BUILT = "CUDA kernels were not built: install the CUDA toolkit (nvcc) and rebuild with mvn package";

    /** The fatbin image: {@code sass} archs ({@code sm_90}), {@code ptx} for later GPUs ({@code compute_120}). */
    record Fatbin(List<String> sass, String ptx, String ptxIsa, CudaVersion minDriver, CudaVersion ptxMinDriver,
                  List<String> spills) {
    }

    /** The compatibility PTX: one arch ({@code compute_80}) at the highest ISA any file needs. */
    record CompatPtx(String arch, String isa, CudaVersion minDriver) {
    }

    private final boolean built;
    private final String nvccVersion;
    private final List<String> kernels;
    private final Optional<Fatbin> fatbin;
    private final Optional<CompatPtx> ptx;

    private KernelManifest(Properties p) {
        this.built = "true".equals(p.getProperty("built"));
        this.nvccVersion = p.getProperty("nvcc.version", "unknown");
        this.kernels = split(p.getProperty("kernels", ""));
        this.fatbin = p.getProperty("fatbin.sass") == null ? Optional.empty()
                : Optional.of(new Fatbin(split(p.getProperty("fatbin.sass")), p.getProperty("fatbin.ptx", ""), p.getProperty("fatbin.ptx_isa", ""),
                        CudaVersion.parse(p.getProperty("fatbin.min_driver_cuda", "99.0")),
                        CudaVersion.parse(p.getProperty("fatbin.ptx_min_driver_cuda", "99.0")), split(p.getProperty("fatbin.spills", ""))));
        this.ptx = p.getProperty("ptx.arch") == null || p.getProperty("ptx.min_driver_cuda") == null ? Optional.empty()
                : Optional.of(new CompatPtx(p.getProperty("ptx.arch"), p.getProperty("ptx.isa", ""),
                        CudaVersion.parse(p.getProperty("ptx.min_driver_cuda"))));
    }

    /** A manifest from its properties (tests: the images a build made, without the build). */
    static KernelManifest of(Properties p) {
        return new KernelManifest(p);
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

    List<String> kernels() {
        return kernels;
    }

    Optional<Fatbin> fatbin() {
        return fatbin;
    }

    Optional<CompatPtx> ptx() {
        return ptx;
    }

    /** The kernels that spill registers in the fatbin's SASS for {@code sm} ({@code sm_120}), as the build listed them. */
    List<String> spills(String sm) {
        String at = "@" + sm + ":";
        return fatbin.map(f -> f.spills().stream().filter(s -> s.contains(at)).map(s -> s.replace(at, " (") + ")").toList())
                .orElse(List.of());
    }

    /** A module's image: its bytes as cuModuleLoadData takes them (PTX NUL-terminated). */
    static byte[] image(String module, KernelImage.Kind kind) {
        String file = module + kind.suffix();
        byte[] bytes = resource(file)
                .orElseThrow(() -> new IllegalStateException("kernel resource " + DIR + file + " is missing: " + NOT_BUILT));
        return kind == KernelImage.Kind.PTX ? Arrays.copyOf(bytes, bytes.length + 1) : bytes;
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

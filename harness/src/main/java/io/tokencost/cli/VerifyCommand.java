package io.tokencost.cli;

import io.tokencost.backend.Backend;
import io.tokencost.backend.Session;
import io.tokencost.families.KernelFamilies;
import io.tokencost.kernels.CheckResult;
import io.tokencost.kernels.KernelCheck;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;

@Command(name = "verify", mixinStandardHelpOptions = true,
        description = "Checks every kernel of a backend against its Java reference on fresh random inputs "
                + "(odd sizes, outputs poisoned with NaN). Exit 1 on any mismatch.")
final class VerifyCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    BackendOptions backendOptions = new BackendOptions();

    @Override
    public Integer call() {
        Backend backend = backendOptions.resolve();
        PrintWriter out = spec.commandLine().getOut();
        List<CheckResult> results;
        try (Session session = backend.open(backendOptions.device)) {
            out.println("verifying on " + backend.id() + ":" + backendOptions.device + " (" + session.device().name() + ")");
            results = verifyAll(session);
        }
        boolean ok = true;
        for (CheckResult r : results) {
            out.printf(Locale.ROOT, "  %-18s %-10s %-15s cases %-3d max rel error %-10.3g bound %-7.0e %s%n", r.family(), r.kernel(),
                    r.dtype(), r.cases(), r.maxRelError(), r.bound(), r.passed() ? "PASS" : "FAIL" + (r.failure() != null ? ": " + r.failure() : ""));
            ok &= r.passed();
        }
        out.println(ok ? "all kernels verified" : "VERIFICATION FAILED");
        out.flush();
        return ok ? 0 : Main.EXIT_FAILED;
    }

    /**
     * Every registered kernel family on fresh random inputs (a new seed each call). A family that
     * throws outside its cases (its module did not load, say) fails alone: the others still run.
     */
    static List<CheckResult> verifyAll(Session session) {
        return verifyAll(session, KernelFamilies.checks());
    }

    static List<CheckResult> verifyAll(Session session, List<KernelCheck> checks) {
        SplittableRandom random = new SplittableRandom();
        List<CheckResult> all = new ArrayList<>();
        for (KernelCheck k : checks) {
            try {
                all.addAll(k.check(session, random));
            } catch (RuntimeException e) {
                all.add(new CheckResult(k.family(), "*", "", 0, Double.NaN, 0, KernelCheck.failure(e)));
            }
        }
        return all;
    }
}

package io.tokencost;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.UnaryOperator;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The harness's package layering, on its compiled classes. Top-level packages (a package with its
 * sub-packages: {@code backend} holds cpu, cuda and emu) depend on each other only downwards, from
 * cli through suite, families, model, kernels and measure to backend; a back-import anywhere fails here.
 */
class ArchitectureTest {

    private static JavaClasses classes;

    @BeforeAll
    static void importHarness() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("io.tokencost");
    }

    /** Package -> the packages its classes use, each package named by {@code name} (null: left out). */
    private static Map<String, Set<String>> packageGraph(UnaryOperator<String> name) {
        Map<String, Set<String>> graph = new TreeMap<>();
        for (JavaClass c : classes) {
            String from = name.apply(c.getPackageName());
            if (from == null) {
                continue;
            }
            Set<String> to = graph.computeIfAbsent(from, k -> new TreeSet<>());
            for (Dependency d : c.getDirectDependenciesFromSelf()) {
                String target = name.apply(d.getTargetClass().getPackageName());
                if (target != null && !target.equals(from)) {
                    to.add(target);
                }
            }
        }
        return graph;
    }

    /** {@code io.tokencost.backend.cuda} -> {@code backend}; null outside the harness's packages. */
    private static String topLevel(String packageName) {
        if (!packageName.startsWith("io.tokencost.")) {
            return null;
        }
        return packageName.substring("io.tokencost.".length()).split("\\.")[0];
    }

    /** The strongly connected components of more than one package (Tarjan). */
    static List<Set<String>> cycles(Map<String, Set<String>> graph) {
        Map<String, Integer> index = new HashMap<>();
        Map<String, Integer> low = new HashMap<>();
        Deque<String> stack = new ArrayDeque<>();
        Set<String> onStack = new TreeSet<>();
        List<Set<String>> out = new ArrayList<>();
        int[] counter = {0};
        for (String v : graph.keySet()) {
            if (!index.containsKey(v)) {
                connect(v, graph, index, low, stack, onStack, out, counter);
            }
        }
        return out;
    }

    private static void connect(String v, Map<String, Set<String>> graph, Map<String, Integer> index, Map<String, Integer> low, Deque<String> stack,
                                Set<String> onStack, List<Set<String>> out, int[] counter) {
        index.put(v, counter[0]);
        low.put(v, counter[0]++);
        stack.push(v);
        onStack.add(v);
        for (String w : graph.getOrDefault(v, Set.of())) {
            if (!index.containsKey(w)) {
                connect(w, graph, index, low, stack, onStack, out, counter);
                low.put(v, Math.min(low.get(v), low.get(w)));
            } else if (onStack.contains(w)) {
                low.put(v, Math.min(low.get(v), index.get(w)));
            }
        }
        if (low.get(v).equals(index.get(v))) {
            Set<String> component = new TreeSet<>();
            String w;
            do {
                w = stack.pop();
                onStack.remove(w);
                component.add(w);
            } while (!w.equals(v));
            if (component.size() > 1) {
                out.add(component);
            }
        }
    }

    @Test
    void noTopLevelPackagesDependOnEachOtherInACircle() {
        Map<String, Set<String>> graph = packageGraph(ArchitectureTest::topLevel);
        assertEquals(List.of(), cycles(graph), "package cycles (the graph: " + graph + ")");
    }

    /** The kernel families' packages and the shared {@code kernels} package: a family uses another's classes only one way. */
    @Test
    void noKernelPackagesDependOnEachOtherInACircle() {
        Map<String, Set<String>> graph = packageGraph(p -> p.startsWith("io.tokencost.kernels") ? p : null);
        assertEquals(List.of(), cycles(graph), "package cycles (the graph: " + graph + ")");
    }

    /** A session serves any kernel family through its descriptor: the backends know none of them, nor anything else of ours. */
    @Test
    void theBackendsDependOnNothingAboveThem() {
        noClasses().that().resideInAPackage("io.tokencost.backend..").should()
                .dependOnClassesThat(resideInAPackage("io.tokencost..").and(resideOutsideOfPackage("io.tokencost.backend..")))
                .check(classes);
    }

    /** The kernel families run on the backends and declare their work; they never reach the model, the suites or the registry. */
    @Test
    void theKernelFamiliesDependOnlyOnTheBackendsAndTheirDeclarations() {
        noClasses().that().resideInAPackage("io.tokencost.kernels..").should().dependOnClassesThat()
                .resideInAnyPackage("io.tokencost.model..", "io.tokencost.suite..", "io.tokencost.families..", "io.tokencost.estimate..",
                        "io.tokencost.results..", "io.tokencost.export..", "io.tokencost.cli..")
                .check(classes);
    }

    /** The command line is the top: nothing below it reaches back into it. */
    @Test
    void nothingDependsOnTheCommandLine() {
        noClasses().that().resideOutsideOfPackage("io.tokencost.cli..").should().dependOnClassesThat().resideInAPackage("io.tokencost.cli..")
                .check(classes);
    }

    /** What reads results (the estimator, compare, report, the cost model, the exporters) never plans or runs a measurement. */
    @Test
    void readersOfResultsDoNotReachTheRunningSide() {
        noClasses().that().resideInAnyPackage("io.tokencost.estimate..", "io.tokencost.compare..", "io.tokencost.report..", "io.tokencost.cost..",
                        "io.tokencost.results..", "io.tokencost.export..")
                .should().dependOnClassesThat().resideInAnyPackage("io.tokencost.suite..", "io.tokencost.model..", "io.tokencost.cli..")
                .check(classes);
    }

    /** The cycle finder itself, on graphs whose knots are known. */
    @Test
    void cyclesAreFoundAsWholeComponents() {
        Map<String, Set<String>> graph = new TreeMap<>(Map.of("a", Set.of("b"), "b", Set.of("c"), "c", Set.of("a", "d"), "d", Set.of(), "e", Set.of("d")));
        assertEquals(List.of(Set.of("a", "b", "c")), cycles(graph));
        assertEquals(List.of(), cycles(new TreeMap<>(Map.of("a", Set.of("b"), "b", Set.of()))));
    }
}

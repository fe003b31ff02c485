package io.tokencost.model;

import io.tokencost.backend.Backends;
import io.tokencost.backend.Session;
import io.tokencost.cost.WeightFormat;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A tiny model's decode step split kernel by kernel: every launch counted once, in launch order, inside the step's time, the step's result untouched. */
class StepBreakdownTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource({"cpu", "emu"})
    void everyLaunchOfADecodeStepIsTimedOnceInLaunchOrder(String backendId) {
        try (Session session = Backends.byId(backendId).open(0)) {
            StepBreakdown breakdown = new StepBreakdown();
            Session timed = breakdown.timing(session);
            try (SyntheticModel plain = new SyntheticModel(session, SyntheticModelCheck.TINY, WeightFormat.INT8, 1, 37, 9);
                 SyntheticModel model = new SyntheticModel(timed, SyntheticModelCheck.TINY, WeightFormat.INT8, 1, 37, 9)) {
                model.decodeStep();   // not recording: passed through untimed
                long start = System.nanoTime();
                List<StepBreakdown.Line> lines = breakdown.record(model::decodeStep, 1);
                double wall = (System.nanoTime() - start) / 1e9;
                plain.decodeStep();
                plain.decodeStep();
                assertArrayEquals(plain.logits(), model.logits(), "the timed step computes what the plain one does");

                // per layer (2): two norms, the q/k/v, o, gate/up and down products, rotary, attention, the fp16 conversion, SwiGLU;
                // then the final norm and the LM head
                Map<String, Double> calls = lines.stream().collect(Collectors.groupingBy(l -> l.kernel().split(" ")[0],
                        Collectors.summingDouble(StepBreakdown.Line::callsPerStep)));
                assertEquals(Map.of("ops.addRmsnorm", 5.0, "qgemv.gemv", 9.0, "ops.ropeQkv", 2.0, "attention_decode.decode", 2.0, "ops.toHalf", 2.0,
                        "ops.swiglu", 2.0), calls);
                assertEquals("ops.addRmsnorm 1 128", lines.get(0).kernel(), "launch order: the layer's first norm first");
                assertEquals("qgemv.gemv int8 512 128 1", lines.get(1).kernel(), "then q/k/v (4 + 2 x 2 heads of 64) and gate/up (2 x 256): one shape");
                assertEquals(4.0, lines.get(1).callsPerStep());
                assertTrue(lines.stream().anyMatch(l -> l.kernel().equals("qgemv.gemv fp16 512 128 1") && l.callsPerStep() == 1), "the 16-bit LM head");
                double sum = lines.stream().mapToDouble(StepBreakdown.Line::secondsPerStep).sum();
                assertTrue(lines.stream().allMatch(l -> l.secondsPerStep() > 0), lines.toString());
                assertTrue(sum <= wall, "the kernels' times lie inside the step's: " + sum + " s of " + wall + " s");
                // one launch a step: its median is that launch; more: a median below the launches' sum
                for (StepBreakdown.Line l : lines) {
                    assertTrue(l.medianSecondsPerCall() > 0 && l.medianSecondsPerCall() < l.secondsPerStep() + 1e-15, l.toString());
                    if (l.callsPerStep() == 1) {
                        assertEquals(l.secondsPerStep(), l.medianSecondsPerCall(), 1e-15, l.toString());
                    }
                }
            }
        }
    }
}

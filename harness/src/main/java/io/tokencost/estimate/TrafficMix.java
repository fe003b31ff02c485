package io.tokencost.estimate;

import io.tokencost.cost.ModelPresets;
import io.tokencost.cost.ModelSpec;

import java.util.ArrayList;
import java.util.List;

/**
 * Traffic split across models ({@code --mix llama-3.1-8b:0.8,llama-3.1-70b:0.2}): shares of the
 * requests, summing to 1. A blended figure is the share-weighted mean of each model's figure in the
 * same scenario.
 */
public record TrafficMix(List<Share> shares) {

    public record Share(ModelSpec model, double share) {
    }

    public TrafficMix {
        double sum = shares.stream().mapToDouble(Share::share).sum();
        if (shares.size() < 2) {
            throw new IllegalArgumentException("--mix needs two or more MODEL:SHARE entries");
        }
        if (Math.abs(sum - 1) > 1e-6) {
            throw new IllegalArgumentException("--mix shares must sum to 1, got " + sum);
        }
    }

    /** MODEL:SHARE,MODEL:SHARE… where MODEL is a preset or a config.json and SHARE in (0, 1]. */
    public static TrafficMix parse(String text) {
        List<Share> shares = new ArrayList<>();
        for (String entry : text.split(",")) {
            int colon = entry.lastIndexOf(':');
            if (colon <= 0 || colon == entry.length() - 1) {
                throw new IllegalArgumentException("--mix entries are MODEL:SHARE, got '" + entry + "'");
            }
            double share;
            try {
                share = Double.parseDouble(entry.substring(colon + 1).trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--mix share of '" + entry + "' is not a number");
            }
            if (!(share > 0 && share <= 1)) {
                throw new IllegalArgumentException("--mix share of '" + entry + "' must be in (0, 1]");
            }
            shares.add(new Share(ModelPresets.resolve(entry.substring(0, colon).trim()), share));
        }
        return new TrafficMix(shares);
    }

    /** The share-weighted mean of a figure over the models' estimates (in {@link #shares} order). */
    public double blend(List<Estimate> perModel, java.util.function.ToDoubleFunction<Estimate> figure) {
        double sum = 0;
        for (int i = 0; i < shares.size(); i++) {
            sum += shares.get(i).share() * figure.applyAsDouble(perModel.get(i));
        }
        return sum;
    }

    public String label() {
        StringBuilder sb = new StringBuilder("mix");
        for (Share s : shares) {
            sb.append(sb.length() == 3 ? " " : ", ").append(s.model().name()).append(' ').append(Math.round(100 * s.share())).append('%');
        }
        return sb.toString();
    }
}

"""OLMoE decode: the prediction's terms per pass, beside the step's (python3 per_pass.py jmh.log.gz samples.json.gz).

A run's jmh.log has one section per case and pass ("### label on cpu:0"), whose iterations report
their kernel_samples: how the row's samples, stored in pass order, split into passes. Terms: a layer's ops, attention, QKV, output projection, router, the experts'
gate/up (2048 x 2048, 8 a layer) and down (2048 x 1024), times their launches a step, and the LM head.
"""
import gzip, json, re, sys
import numpy as np

log, samples = sys.argv[1], sys.argv[2]
d = json.load(gzip.open(samples) if samples.endswith('.gz') else open(samples))
passes = {}
label = None
for line in (gzip.open(log, 'rt') if log.endswith('.gz') else open(log)):
    m = re.match(r'### (.*) on cpu:\d+', line)
    if m:
        label = m.group(1)
        passes.setdefault(label, []).append(0)
        continue
    m = re.search(r'kernel_samples:\s+([\d.]+) #', line)
    if m and label:
        passes[label][-1] += int(float(m.group(1)))


def case(pred):
    return np.array(next(r for r in d['cases'] if pred(r))['raw']['kernel_s'], dtype=float)


def split(s, key):
    labels = [l for l in passes if re.search(key, l)]
    assert len(labels) == 1, (key, labels)
    counts = passes[labels[0]]
    assert sum(counts) == len(s), (key, counts, len(s))
    return np.split(s, np.cumsum(counts)[:-1])


def qgemv(n, k):
    return lambda r: r['kernel'] == 'qgemv' and r.get('n') == str(n) and r.get('k') == str(k) and r.get('batch') == '1'


terms = [('ops', lambda r: r['kernel'] == 'decode_layer_ops', 16, 'decode_layer_ops'),
         ('attention', lambda r: r['kernel'] == 'decode' and r.get('batch') == '1' and r.get('context') == '1024' and r.get('heads') == '16', 16,
          r'^attention/decode fp16 batch=1 context=1024 heads=16'),
         ('qkv', qgemv(6144, 2048), 16, 'n=6144 k=2048 batch=1$'),
         ('o + gate/up', qgemv(2048, 2048), 16 + 128, 'n=2048 k=2048 batch=1$'),
         ('router', qgemv(64, 2048), 16, 'n=64 k=2048 batch=1$'),
         ('down', qgemv(2048, 1024), 128, 'n=2048 k=1024 batch=1$'),
         ('lm head', qgemv(50304, 2048), 1, 'n=50304 k=2048 batch=1$')]
step = split(case(lambda r: r['kernel'] == 'step'), 'decode/step')
predicted_mean = np.zeros(len(step))
predicted_median = np.zeros(len(step))
print('term         launches  per pass: median / mean (us)')
for name, pred, launches, key in terms:
    parts = split(case(pred), key)
    predicted_mean += launches * np.array([p.mean() for p in parts])
    predicted_median += launches * np.array([np.median(p) for p in parts])
    print('%-12s %8d  ' % (name, launches) + ' | '.join('%7.1f / %7.1f' % (np.median(p) * 1e6, p.mean() * 1e6) for p in parts))
for k, s in enumerate(step):
    print('pass %d: step mean %.1f ms, sum of means %.1f ms (%+.1f %%); step median %.1f ms, sum of medians %.1f ms (%+.1f %%)' % (
        k + 1, s.mean() * 1e3, predicted_mean[k] * 1e3, 100 * (predicted_mean[k] / s.mean() - 1),
        np.median(s) * 1e3, predicted_median[k] * 1e3, 100 * (predicted_median[k] / np.median(s) - 1)))

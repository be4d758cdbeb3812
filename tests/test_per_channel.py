"""Per-channel steps and thresholds, end to end: the SNN with one θ per feature equals its QANN (float64, padded
batches, RoBERTa and BERT), reloads to identical logits, counts its spikes as accumulates, and draws its membranes."""
import copy
import pytest, torch, yaml
import matplotlib
matplotlib.use('Agg')
from snn_roberta.config import DEFAULT_CONFIG, BERT_CONFIG
from snn_roberta.models import tiny_roberta, tiny_bert
from snn_roberta.quantize import quantize, calibrate, per_channel_config
from snn_roberta.convert import convert_to_snn, save_snn, load_snn
from snn_roberta.neuron import STBIFNeuron, neuron_trace
from snn_roberta.simulate import simulate, equivalence_report
from snn_roberta.measure import synaptic_ops
from snn_roberta.pictures import membrane_trace, plot_membrane

def padded_batch(seed=0, B=5, L=14):
    g = torch.Generator().manual_seed(seed)
    ids = torch.randint(3, 1000, (B, L), generator=g)
    mask = torch.ones_like(ids); mask[1, 9:] = 0; mask[3, 5:] = 0
    return ids, mask

@pytest.fixture(scope='module', params=['roberta', 'bert'])
def pair(request):
    "(QANN float64 with per-channel steps, its SNN, ids, mask)."
    make, path = (tiny_roberta, DEFAULT_CONFIG) if request.param == 'roberta' else (tiny_bert, BERT_CONFIG)
    model = make(seed=7)
    ids, mask = padded_batch()
    qann = calibrate(quantize(model, per_channel_config(model, path)), [(ids, mask)], progress=False).double().eval()
    return qann, convert_to_snn(qann), ids, mask

def test_thresholds_are_vectors(pair):
    qann, snn, ids, mask = pair
    vectors = [n for n, m in snn.named_modules() if isinstance(m, STBIFNeuron) and m.threshold.ndim == 1]
    assert len(vectors) >= 2 * 8, vectors      # every layer: q, k, v, 2 × 2 outputs, intermediate
    for n in vectors:
        assert torch.equal(snn.get_submodule(n).threshold, qann.get_submodule(n).s.detach())
        assert snn.get_submodule(n).threshold.std() > 0, n   # really one step per feature

def test_snn_equals_qann(pair):
    qann, snn, ids, mask = pair
    report = equivalence_report(qann, snn, ids, mask)
    with torch.no_grad(): q = qann(ids, attention_mask=mask).logits
    res = report.result
    assert res.converged.all()
    assert torch.equal(res.predictions, q.argmax(-1))
    assert (res.logits - q).abs().max() <= 1e-12 * q.abs().max()
    assert max(report.final.values()) < 1e-9, report

def test_saved_snn_reloads_to_identical_logits(pair, tmp_path):
    qann, snn, ids, mask = pair
    save_snn(snn, tmp_path / 'snn')
    assert torch.equal(simulate(load_snn(tmp_path / 'snn'), ids, mask).logits, simulate(snn, ids, mask).logits)

def test_per_channel_spikes_count_as_accumulates(pair):
    "A spike of feature j has size θ_j: one event, θ_j folds into the weight column, so an AC, not a MAC."
    qann, snn, ids, mask = pair
    report = synaptic_ops(snn, ids, mask)
    table = report.to_pandas(by='module')
    from_embeddings = table.index.str.contains(r'layer\.0\.attention\.self\.(?:query|key|value)$')
    assert (table[~from_embeddings & table.kind.isin(['linear', 'matmul'])].snn_mac == 0).all(), table[table.snn_mac > 0]
    assert (table[from_embeddings].snn_mac > 0).all()   # the embeddings' float output is not spikes: MACs

def test_membrane_against_own_threshold(pair):
    qann, snn, ids, mask = pair
    res = simulate(snn, ids, mask, record=True)
    layer = next(n for n, t in res.thresholds.items() if torch.is_tensor(t) and n.endswith('output.dense_quan_after_ln'))
    theta = res.thresholds[layer]
    for i in (0, 5, 17, 63):
        tr = membrane_trace(res, layer, (2, i))
        assert tr['threshold'] == theta[i].item()
        neuron = snn.get_submodule(layer)
        rows = neuron_trace(STBIFNeuron(theta, int(neuron.pos_max), int(neuron.neg_min)).double(), tr['current'].tolist(),
                            extra_steps=0, feature=i)
        assert tr['spike'].tolist() == [r[2] for r in rows]
    axes = plot_membrane(res, layer, [(2, 0), (2, 5)])
    dashed = [l for l in axes[0].get_lines() if l.get_linestyle() == '--' and len(l.get_ydata())]
    assert sorted(l.get_ydata()[0] for l in dashed) == sorted([theta[0].item(), theta[5].item()])
    matplotlib.pyplot.close('all')

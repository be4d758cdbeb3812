"""Float32 SNN = float32 QANN, bit for bit: tiny RoBERTa and tiny BERT with random biases and LayerNorm parameters,
1,024 random padded examples each, the paper's recipe and the fast graded one (m = 8, bias at step 0); and every head
([CLS], mean, siamese; ReLU and GELU; classes and one score) on 32 padded examples each; and neither the chunk size
(1, 3, 8 steps per call) nor skipping quiet layers changes a bit. CPU, about two minutes."""
import pytest, torch
from snn_roberta.models import tiny_roberta, tiny_bert
from snn_roberta.quantize import quantize, calibrate
from snn_roberta.config import BERT_CONFIG, DEFAULT_CONFIG, with_graded_spikes
from snn_roberta.convert import convert_to_snn
from snn_roberta.simulate import simulate
from snn_roberta.models import with_pooling
from test_pooling_gelu import FAMILIES, HEADS, padded_batch

N_BATCHES, BATCH, LENGTH = 8, 128, 14   # 1,024 examples

def _batch(seed):
    g = torch.Generator().manual_seed(seed)
    ids = torch.randint(3, 1000, (BATCH, LENGTH), generator=g)
    lengths = torch.randint(3, LENGTH + 1, (BATCH,), generator=g)
    return ids, (torch.arange(LENGTH)[None] < lengths[:, None]).long()   # padded to random lengths

@torch.no_grad()
def _randomize(model, seed):
    "Random LayerNorm weights and biases, random linear biases: nothing in the model is a round number."
    g = torch.Generator().manual_seed(seed)
    for m in model.modules():
        if isinstance(m, torch.nn.LayerNorm):
            m.weight.copy_(torch.randn(m.weight.shape, generator=g))
            m.bias.copy_(0.5 * torch.randn(m.bias.shape, generator=g))
        elif isinstance(m, torch.nn.Linear) and m.bias is not None:
            m.bias.copy_(0.5 * torch.randn(m.bias.shape, generator=g))
    return model

@pytest.fixture(scope='module', params=['roberta', 'bert'])
def qann(request):
    roberta = request.param == 'roberta'
    model, cfg = (tiny_roberta(seed=7), DEFAULT_CONFIG) if roberta else (tiny_bert(seed=8), BERT_CONFIG)
    q = calibrate(quantize(_randomize(model, 1), cfg), [_batch(100)], progress=False).float().eval()
    assert all(p.dtype == torch.float32 for p in q.parameters())
    return q

@pytest.mark.parametrize('recipe', ['paper', 'fast'])
def test_float32_snn_equals_float32_qann(qann, recipe):
    cfg = qann.config.snn_transform_config
    snn = convert_to_snn(qann, cfg if recipe == 'paper' else
                         with_graded_spikes(cfg, max_spikes_per_step=8, bias_steps=1))
    n, agree, worst = 0, 0, 0.0
    for b in range(N_BATCHES):
        ids, mask = _batch(b)
        with torch.no_grad(): logits = qann(ids, attention_mask=mask).logits
        res = simulate(snn, ids, mask, max_steps=400)
        assert res.converged.all() and res.logits.dtype == torch.float32
        worst = max(worst, ((res.logits - logits).abs() / logits.abs()).max().item())
        agree += int((res.predictions == logits.argmax(-1)).sum()); n += len(ids)
        assert torch.equal(res.logits, logits), (b, worst)   # not within a tolerance: the same float32 numbers
    assert n >= 1000 and agree == n, (agree, n)
    assert worst == 0.0, worst

@pytest.mark.parametrize('family', FAMILIES)
@pytest.mark.parametrize('pooling,siamese', HEADS)
@pytest.mark.parametrize('act', ['relu', 'gelu'])
@pytest.mark.parametrize('num_labels', [2, 1])
def test_float32_heads(family, pooling, siamese, act, num_labels):
    "Every pooling head and activation, a regression head too, with padding (and padded pair halves), bit for bit."
    build, config = FAMILIES[family]
    model = _randomize(build(seed=1, hidden_act=act, num_labels=num_labels), 3)
    if pooling != 'cls' or siamese: model = with_pooling(model, pooling, siamese)
    qann = calibrate(quantize(model, with_graded_spikes(config, max_spikes_per_step=4, bias_steps=1)),
                     [padded_batch(16, seed=99)],
                     progress=False).eval()
    snn = convert_to_snn(qann)
    for seed in (0, 1):
        ids, mask = padded_batch(16, seed=seed)
        with torch.no_grad(): q = qann(ids, attention_mask=mask).logits
        res = simulate(snn, ids, mask)
        assert res.converged.all() and torch.equal(res.logits, q), ((res.logits - q).abs().max().item())

@pytest.mark.parametrize('recipe', ['paper', 'fast'])
def test_chunks_and_skips_change_no_bit(qann, recipe):
    "One step per call (state moved on in place), chunks of 3 and 8, quiet layers skipped or not: the same bits."
    cfg = qann.config.snn_transform_config
    snn = convert_to_snn(qann, cfg if recipe == 'paper' else
                         with_graded_spikes(cfg, max_spikes_per_step=8, bias_steps=1))
    ids, mask = _batch(11)
    runs = [simulate(snn, ids, mask, max_steps=400, chunk_steps=c, skip_quiet=s)
            for c, s in ((1, True), (3, True), (8, False))]
    for r in runs:
        assert r.converged.all() and torch.equal(r.logits, runs[0].logits) and torch.equal(r.steps, runs[0].steps)
        T = min(r.total_steps, runs[0].total_steps)
        for name, counts in runs[0].spike_counts.items(): assert torch.equal(r.spike_counts[name][:T], counts[:T]), name

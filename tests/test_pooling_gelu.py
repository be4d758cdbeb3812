"""SNN = QANN for every head and activation: tiny RoBERTa and BERT, [CLS], mean and siamese pooling, ReLU and GELU,
padded inputs, float64; saved and loaded again, a pooled model comes back pooled."""
import pytest, torch
from snn_roberta.models import tiny_roberta, tiny_bert, with_pooling, pack_pairs, train_bpe_tokenizer, load_classifier
from snn_roberta.quantize import quantize, calibrate, load_quantized
from snn_roberta.convert import convert_to_snn, save_snn, load_snn
from snn_roberta.simulate import simulate
from snn_roberta.config import PER_CHANNEL_CONFIG, BERT_PER_CHANNEL_CONFIG, DEFAULT_CONFIG, with_graded_spikes

FAMILIES = {'roberta': (tiny_roberta, PER_CHANNEL_CONFIG), 'bert': (tiny_bert, BERT_PER_CHANNEL_CONFIG)}
HEADS = [('cls', False), ('mean', False), ('mean', True)]


def padded_batch(n=6, length=16, seed=0):
    "Random ids with padding at the end of some rows (and, for pairs, of some halves)."
    g = torch.Generator().manual_seed(seed)
    ids = torch.randint(5, 1500, (n, length), generator=g)
    mask = torch.ones_like(ids)
    for i in range(n):
        for half in (0, 1):   # pad the end of each half: fine for a single sequence, right for side-by-side pairs
            start, cut = half * length // 2, int(torch.randint(3, length // 2 + 1, (1,), generator=g))
            mask[i, start + cut:start + length // 2] = 0
    return ids * mask + (1 - mask), mask   # padding id 1


@pytest.mark.parametrize('family', FAMILIES)
@pytest.mark.parametrize('pooling,siamese', HEADS)
@pytest.mark.parametrize('act', ['relu', 'gelu'])
@pytest.mark.parametrize('num_labels', [2, 1])
def test_snn_equals_qann(family, pooling, siamese, act, num_labels):
    build, config = FAMILIES[family]
    model = build(seed=1, hidden_act=act, num_labels=num_labels)
    if pooling != 'cls' or siamese: model = with_pooling(model, pooling, siamese)
    ids, mask = padded_batch()
    speed = with_graded_spikes(config, max_spikes_per_step=4, bias_steps=1)
    qann = calibrate(quantize(model, speed), [(ids, mask)], progress=False).double()
    snn = convert_to_snn(qann)
    with torch.no_grad(): q = qann(ids, attention_mask=mask).logits
    res = simulate(snn, ids, mask)
    assert res.converged.all()
    assert (res.logits - q).abs().max() <= 1e-9 * max(1.0, q.abs().max().item())
    if num_labels > 1: assert torch.equal(res.predictions, q.argmax(-1))


def test_padding_never_leaks_into_a_mean_head():
    "More padding, or other ids under the padding: the same SNN output."
    model = with_pooling(tiny_bert(seed=2), 'mean')
    ids, mask = padded_batch(seed=3)
    qann = calibrate(quantize(model, BERT_PER_CHANNEL_CONFIG), [(ids, mask)], progress=False).double()
    snn = convert_to_snn(qann)
    other = torch.where(mask.bool(), ids, torch.randint(5, 1500, ids.shape))
    wider, wider_mask = torch.cat([other, torch.ones(6, 4, dtype=ids.dtype)], 1), torch.cat([mask, torch.zeros_like(mask[:, :4])], 1)
    a, b = simulate(snn, ids, mask).logits, simulate(snn, wider, wider_mask).logits
    assert (a - b).abs().max() < 1e-9


def test_gelu_needs_a_config_that_converts_it():
    with pytest.raises(ValueError, match="a config that converts GELU"): quantize(tiny_roberta(hidden_act='gelu'), DEFAULT_CONFIG)


def test_saved_pooled_models_come_back_pooled(tmp_path):
    model = with_pooling(tiny_bert(seed=5, num_labels=1), 'mean', siamese=True)
    ids, mask = padded_batch(seed=6)
    qann = calibrate(quantize(model, BERT_PER_CHANNEL_CONFIG), [(ids, mask)], progress=False)
    qann.save_pretrained(tmp_path/'qann')
    again = load_quantized(tmp_path/'qann').eval()
    assert type(again).__name__ == 'PooledBertForSequenceClassification' and again.config.siamese
    with torch.no_grad(): assert torch.equal(again(ids, attention_mask=mask).logits, qann(ids, attention_mask=mask).logits)
    snn = convert_to_snn(qann.double())
    save_snn(snn, tmp_path/'snn')
    assert torch.equal(simulate(load_snn(tmp_path/'snn'), ids, mask).logits, simulate(snn, ids, mask).logits)
    model.save_pretrained(tmp_path/'float')
    assert load_classifier(tmp_path/'float').config.pooling == 'mean'


def test_recording_a_siamese_pair():
    "Recording one example of a siamese model keeps its two sentences, side by side on the token axis."
    model = with_pooling(tiny_bert(seed=4, hidden_act='gelu'), 'mean', siamese=True)
    ids, mask = padded_batch(n=4)
    qann = calibrate(quantize(model, with_graded_spikes(BERT_PER_CHANNEL_CONFIG, max_spikes_per_step=4, bias_steps=1)),
                     [(ids, mask)], progress=False).double()
    name = 'bert.encoder.layer.0.intermediate.dense_quan'
    res = simulate(convert_to_snn(qann), ids, mask, record=[name], record_example=1)
    spikes = res.spikes[name]   # [T, 2 sentences x their tokens, features]
    assert spikes.shape[0] == res.total_steps and spikes.shape[-1] == model.config.intermediate_size
    assert spikes.shape[1] % 2 == 0 and spikes.abs().sum() > 0


def test_skipping_quiet_layers_of_a_siamese_model():
    "A siamese encoder sees both sentences (2B rows): skipping its quiet layers keeps the probes' rows and every count."
    from snn_roberta.measure import synaptic_ops
    model = with_pooling(tiny_bert(seed=4, hidden_act='gelu', num_hidden_layers=4), 'mean', siamese=True)
    ids, mask = padded_batch(n=4)
    qann = calibrate(quantize(model, with_graded_spikes(BERT_PER_CHANNEL_CONFIG, max_spikes_per_step=4, bias_steps=1)),
                     [(ids, mask)], progress=False)
    snn = convert_to_snn(qann)
    on, off = (synaptic_ops(snn, ids, mask, chunk_steps=1, skip_quiet=s) for s in (True, False))
    assert sum(on.result.skipped.values()) > 0, on.result.skipped
    assert torch.equal(on.result.logits, off.result.logits) and torch.equal(on.result.steps, off.result.steps)
    assert all(torch.equal(on.result.spike_counts[k], off.result.spike_counts[k]) for k in off.result.spike_counts)
    assert all(torch.equal(on.snn[n], off.snn[n]) for n in off.snn) and on.totals() == off.totals()

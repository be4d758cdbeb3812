"""Graded spikes (up to m per step) and the bias schedule: the SNN still equals the QANN, end to end.

Tiny RoBERTa and tiny BERT in float64 on a padded batch of random tokens; CPU, a few seconds."""
import pytest, torch
from snn_roberta.models import tiny_roberta, tiny_bert
from snn_roberta.quantize import quantize, calibrate
from snn_roberta.config import BERT_CONFIG, DEFAULT_CONFIG, CONFIG_DIR, with_graded_spikes, load_transform_config
from snn_roberta.convert import convert_to_snn, save_snn, load_snn
from snn_roberta.simulate import simulate, equivalence_report, bias_steps

def _batch(seed=0):
    g = torch.Generator().manual_seed(seed)
    ids = torch.randint(3, 1000, (4, 14), generator=g)
    mask = torch.ones_like(ids); mask[1, 10:] = 0; mask[3, 6:] = 0   # padded
    return ids, mask

@pytest.fixture(scope='module', params=['roberta', 'bert'])
def qann(request):
    ids, mask = _batch()
    model, cfg = (tiny_roberta(seed=7), DEFAULT_CONFIG) if request.param == 'roberta' else (tiny_bert(seed=8), BERT_CONFIG)
    q = calibrate(quantize(model, cfg), [(ids, mask)], progress=False).double().eval()
    with torch.no_grad(): logits = q(ids, attention_mask=mask).logits
    return q, ids, mask, logits

@pytest.mark.parametrize('m,schedule', [(1, 32), (1, 1), (2, 32), (2, 7), (4, 1), (8, 1), (32, 1)])
def test_snn_equals_qann(qann, m, schedule):
    q, ids, mask, logits = qann
    snn = convert_to_snn(q, with_graded_spikes(q.config.snn_transform_config, max_spikes_per_step=m, bias_steps=schedule))
    assert bias_steps(snn) == schedule
    res = simulate(snn, ids, mask, max_steps=400)
    assert res.converged.all()
    assert (res.logits - logits).abs().max() <= 1e-12 * logits.abs().max()
    assert torch.equal(res.predictions, logits.argmax(-1))

def test_graded_spikes_are_faster_and_every_layer_exact(qann):
    q, ids, mask, logits = qann
    steps = {}
    for m in (1, 4):
        report = equivalence_report(q, convert_to_snn(q, with_graded_spikes(q.config.snn_transform_config, m, 1)), ids, mask)
        assert max(report.final.values()) < 1e-9, report
        steps[m] = report.result.steps.float().mean().item()
    assert steps[4] < steps[1] / 2, steps

def test_saved_snn_keeps_speed(qann, tmp_path):
    q, ids, mask, logits = qann
    snn = convert_to_snn(q, with_graded_spikes(q.config.snn_transform_config, max_spikes_per_step=4, bias_steps=2))
    again = load_snn(save_snn(snn, tmp_path / 'snn'))
    assert {m.max_spikes_per_step for m in again.modules() if hasattr(m, 'max_spikes_per_step')} == {4}
    assert bias_steps(again) == 2
    assert torch.equal(simulate(again, ids, mask).logits, simulate(snn, ids, mask).logits)

@pytest.mark.parametrize('name', ['transform_cfg_fast.yaml', 'bert_transform_cfg_fast.yaml'])
def test_recipe_configs_load(name):
    cfg = load_transform_config(CONFIG_DIR / name)
    assert cfg.snn_fc['lsqinteger']['max_spikes_per_step'] > 1

def test_raster_draws_graded_spikes_by_size_and_sign(qann):
    import matplotlib; matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    from snn_roberta.pictures import plot_spike_raster, raster_data
    q, ids, mask, logits = qann
    snn = convert_to_snn(q, with_graded_spikes(q.config.snn_transform_config, max_spikes_per_step=4, bias_steps=1))
    res = simulate(snn, ids, mask, record=True)
    layer = next(n for n in res.spikes if 'intermediate' in n)
    s, labels, _ = raster_data(res, layer, max_neurons=40)
    assert s.abs().max() > 1 and s.abs().max() <= 4            # graded sizes kept, not clipped to ±1
    ax = plot_spike_raster(res, layer, max_neurons=40)
    graded = {c.get_label(): len(c.get_offsets()) for c in ax.collections}
    n_pos, n_neg = int((s > 1).sum()), int((s < -1).sum())
    assert sum(graded.values()) == n_pos + n_neg and any(k.startswith('+2…') for k in graded)
    assert len(ax.texts) == n_pos + n_neg                        # each graded mark shows its size
    plt.close('all')

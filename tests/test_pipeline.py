"""Integration: real MRPC sentences, a locally trained tokenizer, the whole pipeline, and the saved SNN.

Runs on the CPU; set SNN_ROBERTA_TEST_DEVICE=cuda to run the same checks on a GPU (plus a CPU-vs-GPU check)."""
import os
import pytest, torch
from snn_roberta.glue import load_glue, default_glue_dir
from snn_roberta.models import train_bpe_tokenizer, tiny_roberta, tiny_bert
from snn_roberta.quantize import quantize, calibrate
from snn_roberta.convert import convert_to_snn, save_snn, load_snn
from snn_roberta.simulate import simulate, equivalence_report
from snn_roberta.config import BERT_CONFIG

DEVICE = torch.device(os.environ.get('SNN_ROBERTA_TEST_DEVICE', 'cpu'))

@pytest.fixture(scope='module')
def mrpc_batch():
    glue_dir = default_glue_dir()
    if glue_dir is None: pytest.skip("no local GLUE folder (../shared/data/glue or SNN_ROBERTA_GLUE_DIR)")
    dev = load_glue('mrpc', glue_dir)['validation']
    tok = train_bpe_tokenizer(list(dev['sentence1']) + list(dev['sentence2']), vocab_size=2000)
    enc = tok(list(dev['sentence1'][:6]), list(dev['sentence2'][:6]), padding=True, truncation=True,
              max_length=128, return_tensors='pt')
    return tok, enc['input_ids'].to(DEVICE), enc['attention_mask'].to(DEVICE)

def test_snn_equals_qann_on_real_sentences(mrpc_batch, tmp_path):
    tok, ids, mask = mrpc_batch
    assert (mask == 0).any(), "the batch should contain padding"
    model = tiny_roberta(seed=3, vocab_size=len(tok)).to(DEVICE)
    qann = calibrate(quantize(model), [(ids, mask)], progress=False).double()
    snn = convert_to_snn(qann)
    report = equivalence_report(qann, snn, ids, mask)
    with torch.no_grad(): q = qann(ids, attention_mask=mask).logits
    res = report.result
    assert torch.equal(res.predictions, q.argmax(-1))
    assert (res.logits - q).abs().max() <= 1e-4 * q.abs().max()
    assert max(report.final.values()) < 1e-9
    assert res.converged.all() and res.steps.max() < 200
    # saved and loaded again: identical outputs, thresholds included
    save_snn(snn, tmp_path / 'snn')
    again = simulate(load_snn(tmp_path / 'snn').to(DEVICE), ids, mask)
    assert torch.equal(again.logits, res.logits)

def test_bert_family_through_config(mrpc_batch):
    tok, ids, mask = mrpc_batch
    qann = calibrate(quantize(tiny_bert(seed=4, vocab_size=len(tok)).to(DEVICE), BERT_CONFIG), [(ids, mask)], progress=False).double()
    res = simulate(convert_to_snn(qann), ids, mask)
    with torch.no_grad(): q = qann(ids, attention_mask=mask).logits
    assert torch.equal(res.predictions, q.argmax(-1))
    assert (res.logits - q).abs().max() <= 1e-4 * q.abs().max()

def test_original_model_not_mutated(mrpc_batch):
    tok, ids, mask = mrpc_batch
    model = tiny_roberta(seed=5, vocab_size=len(tok)).to(DEVICE)
    before = {k: v.clone() for k, v in model.state_dict().items()}
    types = [type(m) for m in model.modules()]
    qann = calibrate(quantize(model), [(ids, mask)], progress=False)
    convert_to_snn(qann)
    assert [type(m) for m in model.modules()] == types
    assert all(torch.equal(before[k], v) for k, v in model.state_dict().items())

@pytest.mark.skipif(DEVICE.type == 'cpu', reason='needs SNN_ROBERTA_TEST_DEVICE set to an accelerator')
def test_accelerator_matches_cpu(mrpc_batch):
    "The SNN simulated on the accelerator gives the CPU's spikes, steps and (float64) logits."
    tok, ids, mask = mrpc_batch
    qann = calibrate(quantize(tiny_roberta(seed=6, vocab_size=len(tok))), [(ids.cpu(), mask.cpu())], progress=False).double()
    on_cpu = simulate(convert_to_snn(qann), ids.cpu(), mask.cpu())
    on_dev = simulate(convert_to_snn(qann).to(DEVICE), ids, mask)
    assert on_dev.logits.device.type == DEVICE.type
    assert torch.equal(on_dev.steps.cpu(), on_cpu.steps) and torch.equal(on_dev.predictions.cpu(), on_cpu.predictions)
    assert (on_dev.logits.cpu() - on_cpu.logits).abs().max() <= 1e-9 * on_cpu.logits.abs().max()

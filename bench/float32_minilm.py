#!/usr/bin/env python
"""Float32 SNN against float32 QANN (and float64 against float64) on MiniLM-L6-ReLU, fast per-channel recipe.

    python bench/float32_minilm.py --task sst2 --examples 872 --f64_examples 64
    python bench/float32_minilm.py --task mrpc --examples 408 --f64_examples 64

The QANN is `minilm_relu` quantized with `configs/bert_transform_cfg_per_channel_fast.yaml` (one step per feature,
graded spikes m = 8, the whole bias at step 0), calibrated on 4 training batches of 32 of the task; its classifier
head is newly initialized (seed 0), which is all an exactness check needs. Per dtype: agreement of predictions,
examples whose logits are not bit-equal, the largest |SNN - QANN| / |QANN| over all logits, mean steps, and process
CPU time of `simulate` and of the QANN forward (first `--f64_examples` examples in float64).
"""
import argparse, copy, os, time
import torch

def main(args):
    from snn_roberta.glue import load_glue, get_glue_task
    from snn_roberta.models import minilm_relu
    from snn_roberta.quantize import quantize, calibrate
    from snn_roberta.convert import convert_to_snn
    from snn_roberta.simulate import simulate
    from snn_roberta.config import BERT_PER_CHANNEL_FAST_CONFIG
    torch.set_num_threads(1)
    task = get_glue_task(args.task)
    ds = load_glue(args.task, os.environ.get('SNN_ROBERTA_GLUE_DIR', '/work/shared/data/glue'))
    torch.manual_seed(0)                              # the classifier head is newly initialized
    model, tok = minilm_relu(num_labels=2)
    keys = list(task.text_keys)
    def enc(rows):
        texts = [rows[k] for k in keys]
        out = tok(*texts, truncation=True, max_length=128, padding='longest', return_tensors='pt')
        return {k: v for k, v in out.items() if k in ('input_ids', 'attention_mask', 'token_type_ids')}
    train = ds['train'].select(range(32 * args.calib_batches))
    q = calibrate(quantize(model, BERT_PER_CHANNEL_FAST_CONFIG),
                  [enc(train[i:i + 32]) for i in range(0, len(train), 32)], progress=False).eval()
    dev = ds['validation'].select(range(min(args.examples, len(ds['validation']))))
    batches = [enc(dev[i:i + args.batch_size]) for i in range(0, len(dev), args.batch_size)]
    for dtype in (torch.float32, torch.float64):
        qd = copy.deepcopy(q).to(dtype)
        snn = convert_to_snn(qd)
        n = agree = unequal = 0; worst, steps, sim_cpu, q_cpu = 0.0, [], 0.0, 0.0
        for b in batches:
            if dtype == torch.float64 and n >= args.f64_examples: break
            c = time.process_time()
            with torch.no_grad(): ql = qd(**b).logits
            q_cpu += time.process_time() - c; c = time.process_time()
            r = simulate(snn, b['input_ids'], b['attention_mask'], b.get('token_type_ids'), max_steps=400)
            sim_cpu += time.process_time() - c
            worst = max(worst, ((r.logits - ql).abs() / ql.abs()).max().item())
            unequal += int((r.logits != ql).any(-1).sum())
            agree += int((r.predictions == ql.argmax(-1)).sum()); n += len(ql); steps += r.steps.tolist()
            assert r.converged.all()
            if args.verbose: print(f"  {str(dtype)[6:]} {n}: agree {agree}, not bit-equal {unequal}, worst {worst:.2e}", flush=True)
        print(f"{str(dtype)[6:]}: {n} {task.folder} dev examples, "
              f"agreement {agree / n:.4f}, not bit-equal {unequal}, max rel logit diff {worst:.2e}, "
              f"mean steps {sum(steps) / len(steps):.2f}, simulate CPU {sim_cpu:.1f} s ({sim_cpu / n:.3f} s/example), "
              f"QANN CPU {q_cpu:.2f} s, = {sim_cpu / q_cpu:.1f} QANN forwards", flush=True)

if __name__ == '__main__':
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--task', default='sst2'); p.add_argument('--examples', type=int, default=64)
    p.add_argument('--f64_examples', type=int, default=64, help='examples simulated in float64 too (for time and exactness)')
    p.add_argument('--verbose', action='store_true', help='print running figures after every batch')
    p.add_argument('--batch_size', type=int, default=32); p.add_argument('--calib_batches', type=int, default=4)
    main(p.parse_args())

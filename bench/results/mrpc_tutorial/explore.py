import sys, time, warnings, tempfile
from pathlib import Path
import torch, datasets, transformers
from transformers import DataCollatorWithPadding, Trainer, TrainingArguments, set_seed
transformers.logging.set_verbosity_error(); datasets.disable_progress_bars(); transformers.utils.logging.disable_progress_bar()
warnings.filterwarnings('ignore')
import snn_roberta as snn
from snn_roberta.models import minilm
mode, N, EP, LR, ML = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5])
set_seed(42); torch.set_num_threads(2)
siam = mode == 'siamese'
t0 = time.time()
model, tok = minilm(num_labels=2, pooling='mean', siamese=siam)
raw = snn.load_glue('mrpc', snn.default_glue_dir())
data = snn.preprocess_glue(datasets.DatasetDict(train=raw['train'].shuffle(seed=42).select(range(N)), validation=raw['validation']),
                           tok, 'mrpc', max_seq_length=ML, siamese=siam)
col = DataCollatorWithPadding(tok)
work = Path(tempfile.mkdtemp())
def args(name, lr): return TrainingArguments(str(work/name), num_train_epochs=EP, learning_rate=lr, per_device_train_batch_size=32, per_device_eval_batch_size=64, save_strategy='no', logging_strategy='no', report_to='none', disable_tqdm=True, seed=42, warmup_steps=0.1)
def ev(m):
    t=time.time(); out = Trainer(model=m, args=args('e', 0), data_collator=col).predict(data['validation'])
    r = snn.compute_glue_metrics('mrpc', out.predictions, out.label_ids); r['eval_s']=round(time.time()-t,1); return r
print('load', round(time.time()-t0,1))
print('untrained', ev(model), flush=True)
t=time.time(); Trainer(model=model, args=args('f', LR), train_dataset=data['train'], data_collator=col).train()
print('train_s', round(time.time()-t,1), flush=True)
print(mode, N, EP, LR, ML, 'float', ev(model), flush=True)
torch.save(model.state_dict(), f'/tmp/mrpc_x/{mode}_{N}_{EP}_{LR}.pt')

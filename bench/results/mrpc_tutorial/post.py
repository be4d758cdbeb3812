import sys, time, warnings, tempfile
from pathlib import Path
import torch, datasets, transformers
from torch.utils.data import DataLoader
from transformers import DataCollatorWithPadding, Trainer, TrainingArguments, set_seed
transformers.logging.set_verbosity_error(); datasets.disable_progress_bars(); transformers.utils.logging.disable_progress_bar()
warnings.filterwarnings('ignore')
import snn_roberta as snn
from snn_roberta.models import minilm
from snn_roberta.config import BERT_PER_CHANNEL_CONFIG, with_speed
from snn_roberta.quantize import quantize, calibrate
set_seed(42); torch.set_num_threads(2)
model, tok = minilm(num_labels=2, pooling='mean', siamese=True)
model.load_state_dict(torch.load('/tmp/mrpc_x/siamese_1000_1.0_0.0001.pt'))
raw = snn.load_glue('mrpc', snn.default_glue_dir())
data = snn.preprocess_glue(datasets.DatasetDict(train=raw['train'].shuffle(seed=42).select(range(1000, 1128)), validation=raw['validation']), tok, 'mrpc', max_seq_length=128, siamese=True)
col = DataCollatorWithPadding(tok)
work = Path(tempfile.mkdtemp())
def ev(m):
    t=time.time(); out = Trainer(model=m, args=TrainingArguments(str(work/'e'), per_device_eval_batch_size=64, report_to='none', disable_tqdm=True), data_collator=col).predict(data['validation'])
    r = snn.compute_glue_metrics('mrpc', out.predictions, out.label_ids); r['eval_s']=round(time.time()-t,1); r['pos']=float((out.predictions.argmax(-1)==1).mean()); return r
CONFIG = with_speed(BERT_PER_CHANNEL_CONFIG, max_spikes_per_step=8, bias_steps=1)
q = quantize(model, CONFIG)
print('uncalibrated', ev(q), flush=True)
cal = DataLoader(data['train'].remove_columns(['labels','idx']), batch_size=32, collate_fn=lambda f: dict(col(f)))
calibrate(q, cal, progress=False)
print('calibrated per-channel', ev(q), flush=True)

"""STS-B dev Pearson of siamese MiniLM-L6 models with no training on STS-B at all (the untrained PairHead starts at
2.5·cos + 2.5, so its Pearson is the cosine's), beside any fine-tuned model folders given: how much of the task the
encoder knows before fine-tuning, and what fine-tuning did to it.

    python bench/stsb_zero_shot.py [MODEL_FOLDER ...]     # e.g. bench/runs/glue_v2/stsb/float
"""
import sys, torch
from scipy.stats import pearsonr
from snn_roberta.glue import load_glue, default_glue_dir, preprocess_glue
from snn_roberta.models import minilm, minilm_relu, load_classifier
from snn_roberta.evaluate import dataset_batches

def pearson(model, tokenizer, dev):
    from transformers import DataCollatorWithPadding
    data = preprocess_glue(dev, tokenizer, 'stsb', 128, siamese=True)['validation']
    scores, labels = [], []
    with torch.no_grad():
        for batch in dataset_batches(data, DataCollatorWithPadding(tokenizer), 64):
            scores.append(model(input_ids=batch['input_ids'], attention_mask=batch['attention_mask']).logits[:, 0])
            labels.append(batch['labels'])
    return pearsonr(torch.cat(scores).numpy(), torch.cat(labels).numpy())[0]

if __name__ == '__main__':
    from datasets import DatasetDict
    from transformers import AutoTokenizer
    dev = DatasetDict(validation=load_glue('stsb', default_glue_dir())['validation'])
    rows = [(f'all-MiniLM-L6-v2 {name}, no training', *make(1, pooling='mean', siamese=True)) for name, make in
            (('GELU', minilm), ('ReLU swap', minilm_relu))]
    rows += [(f'{p} (fine-tuned)', load_classifier(p).eval(), AutoTokenizer.from_pretrained(p)) for p in sys.argv[1:]]
    print('| model | STS-B dev Pearson (1,500 pairs) |\n|---|---|')
    for name, model, tok in rows: print(f'| {name} | {pearson(model.eval(), tok, dev):.3f} |')

"""The front door: `import snn_roberta as snn`, then `snn.quantize`, `snn.calibrate`, `snn.convert_to_snn`, ...

Each name below lives in its stage module (`snn_roberta.quantize`, `snn_roberta.simulate`, ...), in the order the data
flows, and is imported the first time it is used: `import snn_roberta` itself loads neither torch nor transformers.
Where a function shares its name with its module (`quantize`, `simulate`), the package attribute is the function
(`snn.quantize(model)`, `from snn_roberta import simulate`), and the statement that names the module gives the module:
`import snn_roberta.quantize as Q` binds the module, so `Q.calibrate` works (the front door reads the importing
statement). `from snn_roberta.simulate import ...` and `importlib.import_module('snn_roberta.simulate')` work as ever.
This file is written by hand (nbdev only keeps `__version__` up to date); `tests/test_front_door.py` checks it.
"""
__version__ = "0.1.0"

import dis, importlib, sys, types

API = {  # stage module -> the names it offers at the front door
    'quantizer': ('LSQInteger', 'DEFAULT_LEVEL'),
    'progress': ('EvaluationCallback', 'ProgressBar', 'running_stage', 'tracked'),
    'neuron': ('STBIFNeuron',),
    'models': ('tiny_roberta', 'tiny_bert', 'build_tiny_roberta', 'train_bpe_tokenizer', 'minilm', 'minilm_relu',
               'relu_variant', 'require_relu', 'distill_relu', 'DistillationTrainer', 'make_model', 'model_inputs',
               'with_pooling', 'load_classifier', 'pooled_vectors', 'head_logits', 'fit_head'),
    'config': ('load_transform_config', 'TransformConfig', 'DEFAULT_CONFIG', 'BERT_CONFIG', 'PER_CHANNEL_CONFIG',
               'BERT_PER_CHANNEL_CONFIG', 'PER_CHANNEL_FAST_CONFIG', 'BERT_PER_CHANNEL_FAST_CONFIG',
               'with_graded_spikes', 'with_speed'),
    'quantize': ('quantize', 'calibrate', 'load_quantized'),
    'convert': ('convert_to_snn', 'save_snn', 'load_snn'),
    'simulate': ('simulate', 'SimulationResult', 'equivalence_report', 'firing_rates', 'score_per_step',
                 'agreement_per_step', 'decision_steps'),
    'measure': ('synaptic_ops', 'OpsProbe', 'ops_report', 'energy', 'ENERGY_PRESETS', 'energy_note'),
    'pictures': ('plot_spike_raster', 'plot_firing_rates', 'plot_spikes_per_neuron', 'plot_membrane',
                 'plot_accuracy_per_step', 'plot_equivalence', 'plot_neuron_trace'),
    'glue': ('load_glue', 'preprocess_glue', 'compute_glue_metrics', 'glue_floor', 'get_glue_task', 'default_glue_dir',
             'task_texts'),
    'evaluate': ('evaluate_snn', 'dataset_batches', 'EvalProgress'),
    'widgets': ('ConversionDashboard', 'NeuronPlayground'),
}
WHERE = {name: module for module, names in API.items() for name in names}
__all__ = ['__version__', *WHERE]


SHARED = {name for name, module in WHERE.items() if name == module}  # functions named like their module: quantize, ...
_IMPORT_FROM = dis.opmap['IMPORT_FROM']


def _imports_module(frame, name:str) -> bool:
    "Is `frame` running `import snn_roberta.<name> as m` (IMPORT_NAME 'snn_roberta.<name>', then IMPORT_FROM '<name>')?"
    code, last = frame.f_code, frame.f_lasti
    if not 0 <= last < len(code.co_code) or code.co_code[last] != _IMPORT_FROM: return False   # the usual case, cheap
    ins = [i for i in dis.get_instructions(code) if i.offset <= last and i.opname not in ('CACHE', 'EXTENDED_ARG')]
    return (len(ins) >= 2 and ins[-1].opname == 'IMPORT_FROM' and ins[-1].argval == name
            and ins[-2].opname == 'IMPORT_NAME' and ins[-2].argval == f"{__name__}.{name}")


class _FrontDoor(types.ModuleType):
    "The package module: an API name resolves to its stage module's object, importing that module on first use."
    def __getattribute__(self, name):
        module = WHERE.get(name)
        if module is None: return super().__getattribute__(name)
        stage = importlib.import_module(f"{__name__}.{module}")
        # `import snn_roberta.quantize as Q` binds the module
        if name in SHARED and _imports_module(sys._getframe(1), name): return stage
        return getattr(stage, name)

    def __dir__(self): return sorted(set(super().__dir__()) | set(WHERE))


sys.modules[__name__].__class__ = _FrontDoor

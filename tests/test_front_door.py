"""`import snn_roberta as snn` is the front door: every API name resolves to its stage module's object, lazily."""
import importlib, subprocess, sys


def run(code):
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()


def test_names_resolve_to_their_stage_objects():
    import snn_roberta as snn
    for name, module in snn.WHERE.items():
        assert getattr(snn, name) is getattr(importlib.import_module(f"snn_roberta.{module}"), name), name
    assert set(snn.WHERE) <= set(dir(snn)) and set(snn.WHERE) <= set(snn.__all__)


def test_function_wins_over_its_module():
    # `simulate` is both a module and a function: after the module is imported (as any later stage does), the
    # package attribute is still the function
    import snn_roberta as snn
    import snn_roberta.evaluate  # imports snn_roberta.simulate and snn_roberta.quantize as modules
    assert callable(snn.simulate) and snn.simulate.__module__ == "snn_roberta.simulate"
    assert snn.quantize.__name__ == "quantize"
    from snn_roberta import simulate
    assert simulate is snn.simulate


def test_import_is_light_and_the_example_runs():
    # nothing heavy at import: torch and transformers load on first use
    assert run("import sys, snn_roberta; print('torch' in sys.modules, 'transformers' in sys.modules)") == "False False"
    out = run("import torch, snn_roberta as snn; torch.manual_seed(0); ids = torch.randint(3, 500, (2, 8)); "
              "q = snn.calibrate(snn.quantize(snn.tiny_roberta()), [(ids, torch.ones_like(ids))], progress=False).double(); "
              "r = snn.simulate(snn.convert_to_snn(q), ids); print(bool((r.predictions == q(ids).logits.argmax(-1)).all()))")
    assert out == "True"


def test_unknown_name_is_an_attribute_error():
    import snn_roberta as snn
    try: snn.no_such_thing
    except AttributeError as e: assert "no_such_thing" in str(e)
    else: raise AssertionError("no error")


def test_imports_from_the_folder_that_holds_the_clone(tmp_path):
    "Run from the folder holding the clone (named like the package), `snn_roberta` is a namespace package there:"
    " the stage modules must still find their files (the configs beside them)."
    from pathlib import Path
    repo = Path(__file__).resolve().parents[1]
    (tmp_path/"snn_roberta").symlink_to(repo, target_is_directory=True)
    out = subprocess.run([sys.executable, "-c", "import snn_roberta.convert, snn_roberta.config as c; print(c.DEFAULT_CONFIG.is_file())"],
                         cwd=tmp_path, capture_output=True, text=True, env={**__import__('os').environ, "PYTHONPATH": ""})
    assert out.returncode == 0 and out.stdout.strip() == "True", out.stderr[-2000:]


def test_import_as_gives_the_module_for_every_stage():
    "`import snn_roberta.X as m` binds the module X for every stage, those named like a function (quantize, simulate)"
    " included; `snn_roberta.f` and `from snn_roberta import f` still give the function."
    import snn_roberta as snn
    assert snn.SHARED == {"quantize", "simulate"}
    for module in snn.API:
        space = {}
        exec(f"import snn_roberta.{module} as m", space)
        assert space["m"] is importlib.import_module(f"snn_roberta.{module}"), module
        for name in snn.API[module]: assert getattr(space["m"], name) is getattr(snn, name), (module, name)
    import snn_roberta.quantize as Q
    import snn_roberta.simulate as S
    assert Q.__name__ == "snn_roberta.quantize" and callable(Q.calibrate) and Q.quantize is snn.quantize
    assert S.__name__ == "snn_roberta.simulate" and S.simulate is snn.simulate
    from snn_roberta import quantize, simulate
    assert (quantize.__name__, simulate.__name__) == ("quantize", "simulate")
    assert snn.quantize.__module__ == "snn_roberta.quantize" and callable(snn.simulate)
    def inside(): import snn_roberta.simulate as local; return local   # in a function too (IMPORT_FROM in its frame)
    assert inside() is S


def test_import_as_in_a_fresh_process():
    "The trap of issue 23: `Q.calibrate` after `import snn_roberta.quantize as Q`, before anything else is imported."
    assert run("import snn_roberta.quantize as Q; import snn_roberta as snn; "
               "print(Q.calibrate.__name__, snn.quantize.__name__, type(Q).__name__)") == "calibrate quantize module"

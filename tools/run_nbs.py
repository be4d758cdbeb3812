"""Execute notebooks in place so the docs show their outputs (figures, tables); cells flagged `#| slow` are skipped.

    python tools/run_nbs.py nbs/00_quantizer.ipynb nbs/01_neuron.ipynb ...   # or no arguments: every notebook in nbs/
"""
import sys, time
from pathlib import Path
import nbformat
from nbclient import NotebookClient

def run(path: Path, timeout=900):
    "Execute `path` in its folder, keep the outputs (and widget state), skip `#| slow` cells."
    nb = nbformat.read(path, as_version=4)
    slow = [c for c in nb.cells if c.cell_type == 'code' and '#| slow' in c.source]
    saved = [c.source for c in slow]
    for c in slow: c.source = '# (slow: not run for the docs)'
    NotebookClient(nb, timeout=timeout, kernel_name='python3', store_widget_state=True,
                   resources={'metadata': {'path': str(path.parent)}}).execute()
    for c, src in zip(slow, saved): c.source, c.outputs = src, []
    nbformat.write(nb, path)

if __name__ == '__main__':
    paths = [Path(p) for p in sys.argv[1:]] or sorted(Path('nbs').glob('*.ipynb'))
    for p in paths:
        t0 = time.time(); run(p); print(f"{p}: {time.time() - t0:.0f}s")

"""Write README.md from nbs/index.ipynb without Quarto: nbdev's directives honoured (`#| hide` cells dropped,
directive lines removed), saved outputs kept, pictures written to README_files/.

    python tools/build_readme.py
"""
import re
from pathlib import Path
import nbformat
from nbconvert import MarkdownExporter

def build(index='nbs/index.ipynb', out='README.md'):
    nb = nbformat.read(index, as_version=4)
    cells = []
    for c in nb.cells:
        lines = c.source.splitlines()
        if c.cell_type == 'code':
            if any(l.strip() in ('#| hide', '#|hide') for l in lines): continue
            c.source = '\n'.join(l for l in lines if not l.lstrip().startswith('#|'))
        cells.append(c)
    nb.cells = cells
    nb.metadata.setdefault('language_info', {'name': 'python'})   # code blocks as ```python (nbdev_clean strips it)
    body, res = MarkdownExporter().from_notebook_node(nb, resources={'output_files_dir': 'README_files'})
    for name, data in res.get('outputs', {}).items():
        Path(name).parent.mkdir(parents=True, exist_ok=True); Path(name).write_bytes(data)
    body = re.sub(r'\]\((?!https?:)([^)]+\.ipynb)\)', r'](nbs/\1)', body)   # notebook links, from the repo root
    Path(out).write_text(body)
    return out

if __name__ == '__main__': print(build())

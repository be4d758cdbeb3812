"""The offline docs build: nbdev's processing, then one HTML page per notebook, widget state kept."""
import json, re, shutil

import nbformat

from browser import REPO, load_build_docs

build_docs = load_build_docs()

def _project(tmp_path):
    "A tiny nbdev project: this repo's settings, a module notebook and the widget fixture as a tutorial."
    tmp_path.mkdir(parents=True, exist_ok=True)
    for f in ['settings.ini', '_quarto.yml']: shutil.copy(REPO/f, tmp_path/f)
    (tmp_path/'nbs'/'tutorials').mkdir(parents=True)
    for f in ['nbdev.yml', 'styles.css']: shutil.copy(REPO/'nbs'/f, tmp_path/'nbs'/f)
    (tmp_path/'nbs'/'_quarto.yml').symlink_to('../_quarto.yml')
    (tmp_path/'snn_roberta').mkdir()
    shutil.copy(REPO/'tests'/'fixtures'/'widget_demo.ipynb', tmp_path/'nbs'/'tutorials'/'widgets.ipynb')
    md, code = nbformat.v4.new_markdown_cell, nbformat.v4.new_code_cell
    nb = nbformat.v4.new_notebook(cells=[
        code('#| default_exp demo'), md('# Demo module\n\n> One function, documented.'),
        code('#| hide\nsecret = 1'),
        md('## Double\nSee the [widgets tutorial](tutorials/widgets.ipynb).\n\n```bash\nsnn-first-run --output_dir runs\n```'),
        code('#| export\ndef double(x, # the input\n          ):\n    "Double `x`."\n    return 2*x'),
        code('#| echo: false\nprint("only the output")', outputs=[nbformat.v4.new_output('stream', text='only the output\n')]),
        code('#| output: false\nprint("only the input")', outputs=[nbformat.v4.new_output('stream', text='only the input\n')])])
    nb.metadata['kernelspec'] = {'name': 'python3', 'display_name': 'Python 3', 'language': 'python'}
    nbformat.write(nb, tmp_path/'nbs'/'00_demo.ipynb')
    return tmp_path

def test_build_docs(tmp_path):
    root = _project(tmp_path)
    written, failed = build_docs.build_docs(root, n_workers=1)
    assert not failed
    docs = root/'_docs'
    assert {p.relative_to(docs).as_posix() for p in written} == {'demo.html', 'tutorials/widgets.html', 'index.html'}
    assert (root/'_proc'/'_quarto.yml').read_text() == (root/'_quarto.yml').read_text()  # for Quarto users
    index = (docs/'index.html').read_text()
    assert 'href="demo.html"' in index and 'href="tutorials/widgets.html"' in index
    demo = (docs/'demo.html').read_text()
    assert '<h1' in demo and 'Demo module' in demo and 'One function, documented.' in demo
    assert 'secret' not in demo and '#|' not in demo
    assert 'only the output' in demo and 'print(&quot;only the output' not in demo and 'print("only the output' not in demo
    assert 'only the input' in demo and 'only the input\n</pre>' not in demo
    assert 'href="tutorials/widgets.html"' in demo  # .ipynb links point at the pages
    assert 'embed-amd.js' not in demo  # no widgets, no widget manager
    widgets = (docs/'tutorials'/'widgets.html').read_text()
    assert 'embed-amd.js' in widgets and 'href="../index.html"' in widgets
    state = re.search(r'<script type="application/vnd.jupyter.widget-state\+json">(.*?)</script>', widgets, re.S)
    models = {m['model_name'] for m in json.loads(state.group(1))['state'].values()}
    assert {'IntSliderModel', 'OutputModel'} <= models

def test_render_fails_loudly(tmp_path):
    bad = tmp_path/'bad.ipynb'
    bad.write_text('not a notebook')
    root = _project(tmp_path/'proj')
    shutil.copy(bad, root/'nbs'/'01_bad.ipynb')
    written, failed = build_docs.build_docs(root, n_workers=1)
    assert [nb for nb, e in failed] == ['01_bad.ipynb']
    assert build_docs.main(['--root', str(root), '--n_workers', '1']) == 1

def test_pandoc_links_and_description():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_raw_cell('---\ntitle: T\ndescription: uses `s`\n---\n'),
        nbformat.v4.new_code_cell('show_doc(f)', outputs=[nbformat.v4.new_output('display_data',
            data={'text/markdown': '[source](https://x/y.py#L1){target="_blank" style="float:right"}'})])])
    nb = build_docs._pandoc_links(build_docs._quarto_cells(nb))
    test_md = nb.cells[1].outputs[0].data['text/markdown']
    assert test_md == '<a href="https://x/y.py#L1" target="_blank" style="float:right">source</a>'
    assert nb.cells[0].source.startswith('# T') and '<code>s</code>' in nb.cells[0].source
    assert nb.metadata['title'] == 'T'

def test_math_to_katex():
    "Inline and display math become KaTeX HTML, code and dollar amounts stay as they are, MathJax goes."
    import pytest
    dist = build_docs.fetch_katex()
    if dist is None: pytest.skip('KaTeX needs node and npm to fetch it once')
    html = ('<html><head><script src="https://cdn.example/mathjax/latest.js"></script></head><body>'
            '<p>steps $t = 0, \\dots, T-1$ and $$X_t = \\sum_{\\tau \\le t} x_\\tau$$; it costs $5 and $6.</p>'
            '<pre>$not math$</pre><p>broken $\\frac{$ here</p></body></html>')
    out, done, refused = build_docs.math_to_katex(html, dist, 'katex/katex.min.css')
    assert (done, refused) == (2, ['\\frac{'])
    assert out.count('class="katex"') == 2 and 'katex-display' in out and 'mathjax' not in out.lower()
    assert '<pre>$not math$</pre>' in out and 'costs $5 and $6' in out and 'broken $\\frac{$ here' in out
    assert '<link href="katex/katex.min.css" rel="stylesheet"/>' in out


def test_shell_blocks_are_styled_like_code_cells(tmp_path):
    "A ```bash block in markdown is highlighted and drawn in a code cell's box (background, border, no wrapping)."
    from bs4 import BeautifulSoup
    root = _project(tmp_path)
    written, failed = build_docs.build_docs(root, n_workers=1)
    assert not failed
    soup = BeautifulSoup((root/'_docs'/'demo.html').read_text(), 'html.parser')
    block = soup.select_one('.jp-RenderedMarkdown div.highlight > pre')
    assert block is not None and 'snn-first-run' in block.get_text()
    assert block.select('span.w') and block.select('span')   # Pygments highlighted the shell command
    css = ' '.join(s.get_text() for s in soup.select('style'))
    rule = lambda sel: re.search(re.escape(sel) + r'\s*\{([^}]*)\}', css).group(1)
    box, pre = rule('.jp-RenderedMarkdown div.highlight'), rule('.jp-RenderedMarkdown div.highlight > pre')
    assert 'var(--jp-cell-editor-background' in box and 'border:' in box   # the code cell's own box
    assert 'white-space: pre' in pre and 'background: none' in pre          # no wrapping, no white page behind it
    editor = rule('.jp-InputArea-editor')   # what a code cell uses, from the same page
    assert 'var(--jp-cell-editor-background)' in editor

"""Clean outputs (issue 23): no terminal escape codes, transformers' load-report tables or library warnings in any saved
notebook output under nbs/, nor in the output areas of the built docs (_docs/, when built)."""
import re
from pathlib import Path

import nbformat
import pytest
from bs4 import BeautifulSoup

REPO = Path(__file__).resolve().parents[1]
ESCAPES = ('\x1b[', '\\u001b[', '\\x1b[', '&#27;[', '&#x1b;[')
WARNING = re.compile(r'\b\w*Warning\b:|^\s*warnings\.warn\(', re.M)  # "UserWarning: ...", as `warnings` prints them


def output_texts(output) -> list:
    "The texts of one notebook output: a stream's text, the text data of a result or display, an error's traceback."
    if output.get('output_type') == 'stream': return [(output.get('name', ''), output.get('text', ''))]
    if output.get('output_type') == 'error': return [('error', '\n'.join(output.get('traceback', [])))]
    return [(kind, v if isinstance(v, str) else ''.join(v)) for kind, v in output.get('data', {}).items()
            if kind.startswith('text/')]


def notebook_problems(path:Path) -> list:
    "`(cell id, problem)` for every saved output of the notebook at `path` that is not clean."
    problems = []
    for cell in nbformat.read(path, as_version=4).cells:
        for output in cell.get('outputs', []):
            for kind, text in output_texts(output):
                where = f"{path.relative_to(REPO) if path.is_relative_to(REPO) else path} cell {cell.get('id')} ({kind})"
                if any(e in text for e in ESCAPES): problems.append((where, 'terminal escape code'))
                if 'LOAD REPORT' in text: problems.append((where, "transformers' load report"))
                if kind == 'stderr' and WARNING.search(text): problems.append((where, 'a library warning'))
    return problems


def page_problems(html:str) -> list:
    "Problems of one built docs page: escape codes anywhere, and in its cell outputs ANSI colours or a load report."
    problems = [f'terminal escape code {e!r}' for e in ESCAPES if e in html]
    for out in BeautifulSoup(html, 'html.parser').select('.jp-OutputArea-output, .output_area, .cell-output'):
        text = out.get_text()
        if 'LOAD REPORT' in text: problems.append("transformers' load report in an output")
        if out.select('[class*="ansi-"]'): problems.append('terminal colours (escape codes) in an output')
        if WARNING.search(text): problems.append('a library warning in an output')
    return problems


def test_the_scanners_find_what_they_look_for(tmp_path):
    "A test that cannot fail is a defect: each scanner flags a planted escape code, load report and warning."
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell('x', outputs=[
        nbformat.v4.new_output('stream', name='stderr', text='[transformers] \x1b[1mBert LOAD REPORT\x1b[0m\n'),
        nbformat.v4.new_output('stream', name='stderr', text='/x.py:3: FutureWarning: soon gone\n')]),
        nbformat.v4.new_code_cell('y', outputs=[nbformat.v4.new_output('stream', name='stdout', text='clean\n')])])
    nbformat.write(nb, tmp_path/'dirty.ipynb')
    found = {p for _, p in notebook_problems(tmp_path/'dirty.ipynb')}
    assert found == {'terminal escape code', "transformers' load report", 'a library warning'}
    assert page_problems('<div class="jp-OutputArea-output"><pre><span class="ansi-bold">Bert LOAD REPORT</span>'
                         '</pre></div>') == ["transformers' load report in an output",
                                             'terminal colours (escape codes) in an output']
    # the words in a page's code (13_run_glue filters the report by its name) are not an output
    assert page_problems('<div class="jp-InputArea"><pre>"LOAD REPORT" not in msg</pre></div>') == []


@pytest.mark.parametrize('path', sorted((REPO/'nbs').rglob('*.ipynb')), ids=lambda p: p.relative_to(REPO/'nbs').as_posix())
def test_saved_notebook_outputs_are_clean(path):
    if '.ipynb_checkpoints' in path.parts: pytest.skip('a Jupyter checkpoint')
    assert notebook_problems(path) == []


def test_built_docs_are_clean():
    pages = sorted((REPO/'_docs').rglob('*.html'))
    if not pages: pytest.skip('the docs are not built here (python tools/build_docs.py)')
    problems = {p.relative_to(REPO).as_posix(): page_problems(p.read_text(errors='replace')) for p in pages}
    assert {p: v for p, v in problems.items() if v} == {}

#!/usr/bin/env python
"""Build the docs offline, without Quarto: nbdev's `proc_nbs`, then nbconvert's HTML, one page per notebook.

    python tools/build_docs.py            # nbs/**/*.ipynb -> _proc/ -> _docs/**/*.html + _docs/index.html
    python tools/build_docs.py --force    # ignore nbdev's _proc/ cache

Nothing is executed except what nbdev's docs processors run (import cells, exported cells, `show_doc`).
Saved widget state is kept, so widgets render in a browser; like Jupyter's own HTML export, the pages load
require.js and the widget manager from public CDNs. Math ($...$, $$...$$) is rendered at build time with KaTeX
(the npm package, fetched once into a cache folder) and served with the pages, so equations show offline; without
node and npm the pages fall back to MathJax from its CDN.
With Quarto installed, `nbdev_docs` builds the full site from the same `_quarto.yml` instead.
"""
import argparse, json, os, re, shutil, subprocess, sys, tarfile, tempfile, time
from contextlib import contextmanager
from pathlib import Path

import nbformat, yaml
from bs4 import BeautifulSoup
from nbconvert import HTMLExporter
from nbconvert.filters.markdown import markdown2html
from traitlets.config import Config

WIDGET_STATE = 'application/vnd.jupyter.widget-state+json'
WIDGET_VIEW = 'application/vnd.jupyter.widget-view+json'
_re_directive = re.compile(r'^\s*#\|\s*([\w-]+)\s*:?\s*(.*?)\s*$')

def _pop_directives(cell):
    "Remove the leading `#| key: value` lines of a code cell; return them as a dict."
    lines, opts = cell.source.splitlines(), {}
    while lines and (m := _re_directive.match(lines[0])):
        opts[m.group(1).lower()] = m.group(2).lower()
        lines.pop(0)
    cell.source = '\n'.join(lines)
    return opts

def _quarto_cells(nb):
    "Apply the Quarto cell options nbdev leaves in processed notebooks, as nbconvert tags."
    cells = []
    for cell in nb.cells:
        if cell.cell_type == 'raw' and cell.source.startswith('---'): cell = _frontmatter_cell(nb, cell)
        elif cell.cell_type == 'code':
            opts = _pop_directives(cell)
            if opts.get('include') == 'false': continue
            tags = cell.metadata.setdefault('tags', [])
            if opts.get('echo') == 'false' or not cell.source.strip(): tags.append('remove_input')
            if opts.get('output') == 'false': tags.append('remove_output')
        cells.append(cell)
    nb.cells = cells
    return nb

def _frontmatter_cell(nb, cell):
    "Turn nbdev's YAML frontmatter cell into a visible title and subtitle."
    fm = yaml.safe_load(cell.source.strip().strip('-')) or {}
    nb.metadata['title'] = fm.get('title', '')
    md = f"# {fm['title']}\n" if fm.get('title') else ''
    if fm.get('description'): md += f"\n<div class=\"description\">{markdown2html(str(fm['description']))}</div>\n"
    return nbformat.v4.new_markdown_cell(md)

_re_pandoc_link = re.compile(r'\[([^\]]+)\]\(([^)\s]+)\)\{([^}]*)\}')

def _pandoc_links(nb):
    "Turn pandoc's `[text](url){attrs}` links (nbdev's `source` links) in markdown outputs into HTML links."
    for cell in nb.cells:
        for o in cell.get('outputs', []):
            md = o.get('data', {}).get('text/markdown')
            if isinstance(md, str): o['data']['text/markdown'] = _re_pandoc_link.sub(r'<a href="\2" \3>\1</a>', md)
    return nb

def _widget_views(nb):
    "Model ids of the widgets the notebook's outputs display."
    return {o['data'][WIDGET_VIEW]['model_id'] for c in nb.cells for o in c.get('outputs', [])
            if WIDGET_VIEW in o.get('data', {})}

def _keep_widgets(nb):
    "Keep saved widget state only where an output shows a widget, so other pages don't load the widget manager."
    state = nb.metadata.get('widgets', {}).get(WIDGET_STATE, {}).get('state', {})
    if not (_widget_views(nb) & set(state)): nb.metadata.pop('widgets', None)
    return nb

def _exporter():
    c = Config()
    c.TagRemovePreprocessor.enabled = True
    c.TagRemovePreprocessor.remove_input_tags = {'remove_input'}
    c.TagRemovePreprocessor.remove_all_outputs_tags = {'remove_output'}
    c.HTMLExporter.exclude_input_prompt = c.HTMLExporter.exclude_output_prompt = True
    return HTMLExporter(config=c, template_name='lab')

KATEX = 'katex@0.16.47'

def katex_dir():
    "Cache folder for KaTeX: $SNN_KATEX_DIR, else $XDG_CACHE_HOME (or ~/.cache)/snn_roberta/katex."
    cache = Path(os.environ.get('XDG_CACHE_HOME') or Path.home()/'.cache')
    return Path(os.environ.get('SNN_KATEX_DIR') or cache/'snn_roberta'/'katex')

def fetch_katex(dest=None):
    "KaTeX's `dist` folder, unpacked once from the npm package into `dest`; None without node and npm."
    dest = Path(dest or katex_dir())
    dist = dest/'package'/'dist'
    if (dist/'katex.min.js').exists(): return dist
    npm, node = shutil.which('npm'), shutil.which('node')
    if not (npm and node): return None
    dest.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([npm, 'pack', '--silent', '--pack-destination', tmp, KATEX], check=True, cwd=tmp, capture_output=True)
        with tarfile.open(next(Path(tmp).glob('katex-*.tgz'))) as t:
            try: t.extractall(dest, filter='data')
            except TypeError: t.extractall(dest)  # Pythons before the tar `filter` argument
    return dist if (dist/'katex.min.js').exists() else None

_KATEX_JS = """
const katex = require(process.argv[1]);
let input = '';
process.stdin.on('data', d => input += d);
process.stdin.on('end', () => process.stdout.write(JSON.stringify(JSON.parse(input).map(([tex, display]) => {
  try { return katex.renderToString(tex, {displayMode: display, throwOnError: true, strict: 'ignore'}); }
  catch (e) { return null; }
}))));
"""

def render_tex(formulas, dist) -> list:
    "KaTeX HTML of each `(tex, display)` in `formulas` (None where KaTeX refuses it), in one call of node."
    out = subprocess.run([shutil.which('node'), '-e', _KATEX_JS, str(Path(dist)/'katex.min.js')], input=json.dumps(formulas),
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout)

_re_math = re.compile(r'\$\$(.+?)\$\$|(?<![\\$\w])\$(?=\S)([^$\n]*?[^\s\\])\$(?![\d$])', re.S)
_NO_MATH = ['code', 'pre', 'script', 'style', 'textarea']

def math_to_katex(html:str, dist, css_href:str) -> tuple:
    "`html` with every `$...$` and `$$...$$` outside code rendered by KaTeX, MathJax dropped: `(html, rendered, failed)`."
    soup = BeautifulSoup(html, features='html.parser')
    nodes = [t for t in soup.find_all(string=_re_math) if not t.find_parent(_NO_MATH)]
    pieces = [[(m.group(1) or m.group(2), m.group(1) is not None, m.span()) for m in _re_math.finditer(str(t))] for t in nodes]
    rendered = render_tex([(tex, disp) for ps in pieces for tex, disp, _ in ps], dist) if nodes else []
    done, failed, k = 0, [], 0
    for node, ps in zip(nodes, pieces):
        text, pos, new = str(node), 0, []
        for tex, disp, (a, b) in ps:
            new.append(text[pos:a])
            if rendered[k] is None: failed.append(tex); new.append(text[a:b])
            else: new.append(BeautifulSoup(rendered[k], features='html.parser')); done += 1
            pos, k = b, k + 1
        new.append(text[pos:])
        for part in new: node.insert_before(part if not isinstance(part, str) else soup.new_string(part))
        node.extract()
    if done:
        for s in soup.find_all('script'):
            if 'mathjax' in (s.get('src') or '').lower() or 'mathjax' in (s.get('type') or '').lower(): s.extract()
        soup.head.append(soup.new_tag('link', rel='stylesheet', href=css_href))
    return str(soup), done, failed

def render_notebook(nb_path, html_path, css='', nav=''):
    "Render the notebook at `nb_path` to one HTML page at `html_path`, keeping its saved widget state."
    nb = nbformat.read(nb_path, as_version=4)
    nb = _keep_widgets(_pandoc_links(_quarto_cells(nb)))
    html, _ = _exporter().from_notebook_node(nb, resources={'metadata': {'name': Path(nb_path).stem}})
    if css or nav:
        soup = BeautifulSoup(html, features='html.parser')
        if css: soup.head.append(BeautifulSoup(f'<style type="text/css">\n{css}\n</style>', 'html.parser'))
        if nav: soup.body.insert(0, BeautifulSoup(nav, 'html.parser'))
        html = str(soup)
    html_path = Path(html_path)
    html_path.parent.mkdir(parents=True, exist_ok=True)
    html_path.write_text(html, encoding='utf-8')
    return html_path

_nav_css = """
html { background: #fff; }
nav.docs-nav { font-family: var(--jp-ui-font-family, sans-serif); font-size: 0.9rem; padding: 0.5rem 1rem;
  border-bottom: 1px solid #ddd; display: flex; flex-wrap: wrap; gap: 0.3rem 1rem; }
nav.docs-nav a.home { font-weight: bold; }
nav.docs-nav a.here { text-decoration: none; color: inherit; font-weight: bold; }
"""

def _rel(target, page):
    "Relative URL from the page `page` to `target` (both paths inside the docs folder)."
    return Path(os.path.relpath(target, Path(page).parent)).as_posix()

def _nav(pages, page, title):
    links = [f'<a class="home" href="{_rel("index.html", page)}">{title}</a>']
    for p in pages:
        cls = ' class="here"' if p['html'] == page else ''
        links.append(f'<a{cls} href="{_rel(p["html"], page)}">{p["title"]}</a>')
    return '<nav class="docs-nav">' + '\n'.join(links) + '</nav>'

def _fix_links(html_path, page, pages, doc_url):
    "Point nbdev's absolute doc links and `.ipynb` links at the local pages."
    html = html_path.read_text(encoding='utf-8')
    root = _rel('.', page) + '/'
    if doc_url: html = html.replace(f'href="{doc_url}/', f'href="{root}')
    by_nb = {p['nb']: p['html'] for p in pages}
    src_dir = Path(next(p['nb'] for p in pages if p['html'] == page)).parent
    def _sub(m):
        target = os.path.normpath(src_dir/m.group(1)).replace(os.sep, '/')
        return f'href="{_rel(by_nb[target], page)}{m.group(2) or ""}"' if target in by_nb else m.group(0)
    html = re.sub(r'href="([^":#?]+\.ipynb)(#[^"]*)?"', _sub, html)
    html_path.write_text(html, encoding='utf-8')

def _katex_page(html_path, css_href, dist, math):
    "Render the math of the written page `html_path` with KaTeX; add the counts to `math` ([rendered, refused])."
    html, done, refused = math_to_katex(html_path.read_text(encoding='utf-8'), dist, css_href)
    html_path.write_text(html, encoding='utf-8')
    math[0] += done; math[1] += refused

def _page(proc, nb_rel):
    "Title and output file of the processed notebook `nb_rel`, as nbdev's frontmatter names them."
    nb = nbformat.read(proc/nb_rel, as_version=4)
    fm = {}
    if nb.cells and nb.cells[0].cell_type == 'raw' and nb.cells[0].source.startswith('---'):
        fm = yaml.safe_load(nb.cells[0].source.strip().strip('-')) or {}
    out = fm.get('output-file') or re.sub(r'^\d+[a-zA-Z0-9]*_', '', Path(nb_rel).stem.lower()) + '.html'
    return {'nb': nb_rel, 'html': (Path(nb_rel).parent/out).as_posix(), 'title': fm.get('title') or Path(nb_rel).stem}

@contextmanager
def _chdir(path):
    "Work in `path` for a while (nbdev finds settings.ini from the working directory)."
    old = os.getcwd()
    os.chdir(path)
    try: yield
    finally: os.chdir(old)

def _find_proc_failures(nbs, proc, nb_rels):
    "`proc_nbs` stops at the first error without naming the notebook: process each notebook here to name them."
    from nbdev.processors import FilterDefaults
    from nbdev.serve_drv import exec_nb
    failed = []
    for nb_rel in nb_rels:
        (proc/nb_rel).parent.mkdir(parents=True, exist_ok=True)
        os.environ['IN_TEST'] = '1'
        try: exec_nb(nbs/nb_rel, proc/nb_rel, FilterDefaults)
        except Exception as e: failed.append((nb_rel, e))
        finally: os.environ.pop('IN_TEST', None)
    return failed

def build_docs(root=None, force=False, n_workers=None):
    "Process the notebooks with nbdev and render each to `doc_path`; return (pages written, failures)."
    from nbdev.config import get_config
    from nbdev.doclinks import nbglob
    from nbdev.serve import proc_nbs
    root = Path(root or Path(__file__).resolve().parent.parent).resolve()
    with _chdir(root):
        get_config.cache_clear()
        cfg = get_config()
        nbs, docs = cfg.nbs_path, cfg.doc_path
        t0 = time.time()
        nb_rels = sorted(p.relative_to(nbs).as_posix() for p in nbglob(nbs, func=Path, file_glob='*.ipynb'))
        proc, failed = root/'_proc', []
        try: proc = proc_nbs(nbs, force=force, **({} if n_workers is None else {'n_workers': n_workers}))
        except Exception as e:
            print(f'nbdev proc_nbs stopped ({type(e).__name__}: {e}); processing the notebooks one by one', file=sys.stderr)
            failed = _find_proc_failures(nbs, proc, nb_rels)
        print(f'nbdev proc_nbs: {time.time()-t0:.1f}s -> {proc}')
        pages = []
        for nb_rel in nb_rels:
            if nb_rel in dict(failed): continue
            try: pages.append(_page(proc, nb_rel))
            except Exception as e: failed.append((nb_rel, e))
        pages.sort(key=lambda p: (p['html'] != 'index.html', '/' in p['nb'], p['nb']))
        if docs.exists(): shutil.rmtree(docs)
        for f in proc.rglob('*'):  # images and other files the notebooks refer to
            if f.is_file() and f.suffix not in ('.ipynb', '.yml', '.py') and not f.name.startswith('.'):
                (docs/f.relative_to(proc)).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(f, docs/f.relative_to(proc))
        css = _nav_css + ((nbs/'styles.css').read_text() if (nbs/'styles.css').exists() else '')
        doc_url = (cfg.get('doc_host', '') + cfg.get('doc_baseurl', '')).rstrip('/')
        written, katex, math = [], fetch_katex(), [0, []]
        if katex: shutil.copytree(katex, docs/'katex', ignore=shutil.ignore_patterns('*.js', '*.mjs', 'contrib', 'README*'))
        else: print('KaTeX not available (needs node and npm): equations are left to MathJax, which needs the network',
                    file=sys.stderr)
        for p in pages:
            try:
                out = render_notebook(proc/p['nb'], docs/p['html'], css=css, nav=_nav(pages, p['html'], cfg.lib_name))
                _fix_links(out, p['html'], pages, doc_url)
                if katex: _katex_page(out, _rel('katex/katex.min.css', p['html']), katex, math)
                written.append(out)
                print(f'wrote {out.relative_to(root)}')
            except Exception as e: failed.append((p['nb'], e))
        if not any(p['html'] == 'index.html' for p in pages):
            index = docs/'index.html'
            index.parent.mkdir(parents=True, exist_ok=True)
            items = ''.join(f'<li><a href="{p["html"]}">{p["title"]}</a> <code>{p["nb"]}</code></li>' for p in pages)
            index.write_text(f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{cfg.lib_name}</title>'
                             f'<style>{_nav_css}</style></head><body><h1>{cfg.lib_name}</h1><ul>{items}</ul></body></html>',
                             encoding='utf-8')
            written.append(index)
            print(f'wrote {index.relative_to(root)}')
        if katex: print(f'math: {math[0]} formulas rendered with KaTeX' + (f'; KaTeX refused {math[1]}' if math[1] else ''))
        for nb_rel, e in failed:
            cause = f'\n  caused by {type(e.__cause__).__name__}: {e.__cause__}' if e.__cause__ else ''
            print(f'FAILED {nb_rel}: {type(e).__name__}: {e}{cause}', file=sys.stderr)
        return written, failed

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--root', help='project root (holds settings.ini); default: the parent of tools/')
    ap.add_argument('--force', action='store_true', help="ignore nbdev's _proc/ cache")
    ap.add_argument('--n_workers', type=int, default=None, help='processes for proc_nbs (default: all CPUs)')
    a = ap.parse_args(argv)
    t0 = time.time()
    written, failed = build_docs(a.root, force=a.force, n_workers=a.n_workers)
    print(f'{len(written)} pages written, {len(failed)} failed, {time.time()-t0:.1f}s')
    return 1 if failed else 0

if __name__ == '__main__': sys.exit(main())

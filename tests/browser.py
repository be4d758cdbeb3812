"""Render a notebook to HTML, open it in headless Chromium, and screenshot its widgets, all offline.

The HTML page loads require.js and the ipywidgets HTML manager from public CDNs. Here those URLs are answered
from local copies of the npm packages (fetched once with `npm pack` into a cache folder outside the repo),
and every other request that leaves 127.0.0.1 is blocked.

    python tests/browser.py fetch-js                      # fill the cache ($SNN_WIDGETS_JS_DIR)
    python tests/browser.py screenshot NB.ipynb OUT.png   # render NB, screenshot it, print what rendered
"""
import functools, importlib.util, json, os, re, shutil, subprocess, sys, tarfile, tempfile, threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
HTML_MANAGER = '@jupyter-widgets/html-manager@1.0.15'  # the embed script for ipywidgets 8 widget state
REQUIREJS = 'requirejs@2.3.8'
CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
                 '--disable-background-networking', '--disable-component-update', '--disable-sync']

def chromium_path():
    "The Chromium to drive: $SNN_CHROMIUM, else the first of chromium, chromium-browser, google-chrome on PATH."
    if os.environ.get('SNN_CHROMIUM'): return os.environ['SNN_CHROMIUM']
    return next(filter(None, map(shutil.which, ['chromium', 'chromium-browser', 'google-chrome'])), None)

def widgets_js_dir():
    "Cache folder for the widget JavaScript: $SNN_WIDGETS_JS_DIR, else ~/.cache/snn_roberta/widgets-js."
    d = os.environ.get('SNN_WIDGETS_JS_DIR') or Path.home()/'.cache'/'snn_roberta'/'widgets-js'
    return Path(d)

def fetch_widgets_js(dest=None):
    "Unpack the html-manager and require.js npm packages into `dest` (once); return `dest`."
    dest = Path(dest or widgets_js_dir())
    if (dest/'html-manager'/'dist'/'embed-amd.js').exists() and (dest/'requirejs'/'require.js').exists(): return dest
    npm = shutil.which('npm')
    if npm is None: raise RuntimeError('npm is needed once to fetch the widget JavaScript (apt-get install npm)')
    dest.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([npm, 'pack', '--silent', '--pack-destination', tmp, HTML_MANAGER, REQUIREJS],
                       check=True, cwd=tmp, capture_output=True, text=True)
        for tgz, name in [('jupyter-widgets-html-manager-*.tgz', 'html-manager'), ('requirejs-*.tgz', 'requirejs')]:
            with tarfile.open(next(Path(tmp).glob(tgz))) as t:
                try: t.extractall(Path(tmp)/name, filter='data')
                except TypeError: t.extractall(Path(tmp)/name)  # Pythons before the tar `filter` argument
            shutil.rmtree(dest/name, ignore_errors=True)
            shutil.move(Path(tmp)/name/'package', dest/name)
    return dest

def _cdn_file(url, js):
    "Local file that stands for a CDN `url`, or None."
    if m := re.match(r'https?://[^/]+/(?:npm/)?@jupyter-widgets/html-manager@[^/]*/dist/([\w.-]+)$', url.split('?')[0]):
        return js/'html-manager'/'dist'/m.group(1)
    if re.match(r'https?://[^?]*/require(\.min)?\.js$', url.split('?')[0]): return js/'requirejs'/'require.js'

def load_build_docs():
    "The `tools/build_docs.py` module."
    spec = importlib.util.spec_from_file_location('build_docs', REPO/'tools'/'build_docs.py')
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod

class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args): pass

class serve_folder:
    "Serve `folder` over HTTP on 127.0.0.1 (a free port) in a thread; a context manager giving the base URL."
    def __init__(self, folder): self.folder = folder
    def __enter__(self):
        self.httpd = ThreadingHTTPServer(('127.0.0.1', 0), functools.partial(_Quiet, directory=str(self.folder)))
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()
        return f'http://127.0.0.1:{self.httpd.server_address[1]}/'
    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(5)

def render_and_screenshot(nb_path, out_png, selector='.widget-slider', timeout_ms=30_000):
    "Render `nb_path` (or take a built `.html` page), open it offline in headless Chromium, wait for `selector`, screenshot it."
    from playwright.sync_api import sync_playwright
    exe = chromium_path()
    if exe is None: raise FileNotFoundError('no chromium on PATH (apt-get install chromium)')
    js = fetch_widgets_js()
    out_png = Path(out_png)
    out_png.parent.mkdir(parents=True, exist_ok=True)
    info = {'blocked': [], 'from_cache': [], 'page_errors': [], 'console_errors': []}
    with tempfile.TemporaryDirectory() as tmp:
        page_path = Path(nb_path).resolve()
        if page_path.suffix != '.html': page_path = load_build_docs().render_notebook(page_path, Path(tmp)/'page.html')
        with serve_folder(page_path.parent) as base, sync_playwright() as p:
            browser = p.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS, headless=True)
            try:
                page = browser.new_page(viewport={'width': 1100, 'height': 900}, service_workers='block')
                def route(r):
                    url = r.request.url
                    if url.startswith(base): return r.continue_()
                    local = _cdn_file(url, js)
                    if local is not None and local.exists():
                        info['from_cache'].append(url)
                        return r.fulfill(path=str(local))
                    info['blocked'].append(url)
                    r.abort()
                page.route('**/*', route)
                page.on('pageerror', lambda e: info['page_errors'].append(str(e)))
                page.on('console', lambda m: m.type == 'error' and info['console_errors'].append(m.text))
                page.goto(base + page_path.name, wait_until='load')
                page.wait_for_selector(selector, state='visible', timeout=timeout_ms)
                page.wait_for_load_state('networkidle')
                info['count'] = page.locator(selector).count()
                info['widgets'] = page.locator('.jupyter-widgets').count()
                info['images_in_widgets'] = page.locator('.jupyter-widgets img').count()
                info['readouts'] = page.locator('.widget-readout').all_inner_texts()
                page.locator(selector).first.screenshot(path=str(out_png.with_suffix('.widget.png')))
                page.screenshot(path=str(out_png), full_page=True)
            finally: browser.close()
    return info

def page_text(html_path, selector='body', text_selector='body', timeout_ms=30_000):
    "Open the built page `html_path` offline in headless Chromium: the text of `text_selector` nodes, how many `selector`s, errors."
    from playwright.sync_api import sync_playwright
    html_path = Path(html_path).resolve()
    with serve_folder(html_path.parent) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS, headless=True)
        try:
            page, blocked, errors = browser.new_page(service_workers='block'), [], []
            page.route('**/*', lambda r: r.continue_() if r.request.url.startswith(base) else (blocked.append(r.request.url), r.abort()))
            page.on('pageerror', lambda e: errors.append(str(e)))
            page.goto(base + html_path.name, wait_until='load')
            page.wait_for_selector(selector, timeout=timeout_ms)
            page.wait_for_load_state('networkidle')
            text = '\n'.join(page.locator(text_selector).all_inner_texts())
            return dict(text=text, count=page.locator(selector).count(), blocked=blocked, page_errors=errors)
        finally: browser.close()

def _main(argv):
    if argv[:1] == ['fetch-js']: print(fetch_widgets_js(argv[1] if len(argv) > 1 else None))
    elif argv[:1] == ['screenshot'] and len(argv) in (3, 4): print(json.dumps(render_and_screenshot(*argv[1:]), indent=1))
    else: sys.exit(__doc__)

if __name__ == '__main__': _main(sys.argv[1:])

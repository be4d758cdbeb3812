"""A notebook's saved widgets render in a real browser: static HTML, headless Chromium, no network."""
import json, os, re, shutil
from pathlib import Path

import pytest
from PIL import Image

from browser import REPO, chromium_path, render_and_screenshot

WIDGET_NB = REPO/'tests'/'fixtures'/'widget_demo.ipynb'  # the notebook whose widgets must render
WIDGET_SELECTOR = '.widget-slider'  # a DOM node the widget manager draws

needs_chromium = pytest.mark.skipif(chromium_path() is None, reason='no Chromium on PATH (apt-get install chromium)')

def _ink(png):
    "Fraction of pixels in `png` that are not near-white."
    im = Image.open(png).convert('L')
    return sum(im.histogram()[:230]) / (im.width * im.height)

@needs_chromium
def test_widgets_render_in_chromium(tmp_path):
    shot = Path(os.environ.get('SNN_SCREENSHOT_DIR') or tmp_path)/'widget_demo.png'  # set it to keep the pictures
    info = render_and_screenshot(WIDGET_NB, shot, WIDGET_SELECTOR)
    print(f'screenshot: {shot}', info)
    assert info['count'] >= 1 and info['widgets'] >= 2, info
    assert info['readouts'][:1] == ['8'], info  # the slider shows its saved value
    assert info['images_in_widgets'] >= 1, info  # the matplotlib figure inside the Output widget
    assert not info['page_errors'], info
    assert not [u for u in info['blocked'] if 'html-manager' in u or 'require' in u], info
    assert shot.stat().st_size > 10_000 and _ink(shot) > 0.02
    widget = shot.with_suffix('.widget.png')
    assert Image.open(widget).width > 100 and _ink(widget) > 0.01  # the slider itself was drawn

TUTORIAL_NB = REPO/'nbs'/'tutorials'/'snn_roberta_mrpc.ipynb'  # executed with its widget state saved

def _saved_slider(nb_path, description):
    "Saved state of the IntSlider labelled `description` in the notebook's widget metadata."
    state = json.loads(Path(nb_path).read_text())['metadata']['widgets']['application/vnd.jupyter.widget-state+json']['state']
    return next(m['state'] for m in state.values()
                if m['model_name'] == 'IntSliderModel' and m['state'].get('description') == description)

@needs_chromium
def test_tutorial_dashboard_renders_in_chromium(tmp_path):
    "The MRPC tutorial's conversion dashboard, from its saved state: the raster image and a live slider."
    slider = _saved_slider(TUTORIAL_NB, 'time steps')
    shot = Path(os.environ.get('SNN_SCREENSHOT_DIR') or tmp_path)/'tutorial_mrpc.png'
    info = render_and_screenshot(TUTORIAL_NB, shot, '.jupyter-widgets img')  # waits for a figure inside a widget
    print(f'screenshot: {shot}', info)
    assert not info['page_errors'], info
    assert not [u for u in info['blocked'] if 'html-manager' in u or 'require' in u], info
    assert info['images_in_widgets'] >= 2, info  # the dashboard's raster and its accuracy-per-step curve
    assert str(slider['value']) in info['readouts'], info  # the time-step slider shows its saved step
    raster = shot.with_suffix('.widget.png')  # the first figure in a widget: the spike raster
    assert Image.open(raster).width > 300 and _ink(raster) > 0.02
    assert shot.stat().st_size > 50_000

NEURON_NB = REPO/'nbs'/'01_neuron.ipynb'  # the page with the most equations

@needs_chromium
def test_equations_render_offline(tmp_path):
    "The neuron page's equations are typeset (KaTeX, built in and served with the page): no raw `$...$` left."
    from browser import load_build_docs, page_text
    bd = load_build_docs()
    dist = bd.fetch_katex()
    if dist is None: pytest.skip('KaTeX needs node and npm to fetch it once')
    page = bd.render_notebook(NEURON_NB, tmp_path/'neuron.html')
    shutil.copytree(dist, tmp_path/'katex')
    html, done, refused = bd.math_to_katex(page.read_text(), dist, 'katex/katex.min.css')
    page.write_text(html)
    assert done >= 10 and not refused, (done, refused)
    info = page_text(page, '.katex', '.jp-RenderedMarkdown')   # the prose (code may hold a $ legitimately)
    assert info['count'] == done and not info['page_errors'], info
    assert not [u for u in info['blocked'] if 'katex' in u], info['blocked']   # fonts and styles served locally
    raw = re.findall(r'\$[^$\s][^$]*?\$', info['text'])
    assert not raw, raw[:5]
    assert 'X_t = X_{-1}' not in info['text'] and '\\dots' not in info['text'] and 'ST-BIF' in info['text']

"""The live dashboard where learners use it: a real JupyterLab (started and stopped here, on 127.0.0.1), a notebook that
runs a short conversion with the dashboard, Run All in headless Chromium, and the page read while the SNN runs."""
import importlib.util, os, secrets, socket, subprocess, sys, time, urllib.request
from pathlib import Path

import nbformat
import pytest

from browser import CHROMIUM_ARGS, REPO, chromium_path

pytestmark = [pytest.mark.skipif(chromium_path() is None, reason="no Chromium on PATH (apt-get install chromium)"),
              pytest.mark.skipif(importlib.util.find_spec("jupyterlab") is None, reason="JupyterLab is not installed")]

CELLS = [
    "import torch\nfrom snn_roberta.models import tiny_roberta\nfrom snn_roberta.quantize import quantize, calibrate\n"
    "from snn_roberta.convert import convert_to_snn\nfrom snn_roberta.evaluate import evaluate_snn\n"
    "from snn_roberta.widgets import ConversionDashboard",
    "torch.manual_seed(0); torch.set_num_threads(1)\n"
    "ids = torch.randint(3, 2000, (24, 16)); mask = torch.ones_like(ids); mask[12:, 11:] = 0\n"
    "labels = torch.randint(0, 2, (24,))\n"
    "qmodel = calibrate(quantize(tiny_roberta(num_hidden_layers=4)), [(ids, mask)], progress=False).double()\n"
    "snn = convert_to_snn(qmodel)\n"
    "batches = [{'input_ids': ids[i:i + 4], 'attention_mask': mask[i:i + 4], 'labels': labels[i:i + 4]} for i in range(0, 24, 4)]\n"
    "dash = ConversionDashboard(qann_acc=0.5, floor=0.5, token=1)\ndash",
    "m = evaluate_snn(snn, qmodel, batches, callbacks=[dash], record_first=True, chunk_steps=2)\n"
    "print('finished: agreement', m['snn_agreement'])",
]

# The MRPC tutorial's dashboard, on a tiny stand-in for its model: a siamese GELU BERT (two sentences side by side, each
# padded on its own), the per-channel config with graded spikes, the conversion announced through `running_stage`
MRPC_CELLS = [
    "import torch\nimport snn_roberta as snn",
    "torch.manual_seed(0); torch.set_num_threads(1)\n"
    "ids = torch.randint(5, 2000, (24, 16)); mask = torch.ones_like(ids); mask[12:, 6:8] = 0; mask[12:, 14:] = 0\n"
    "labels = torch.randint(0, 2, (24,))\n"
    "model = snn.with_pooling(snn.tiny_bert(hidden_act='gelu', num_hidden_layers=4), 'mean', siamese=True)\n"
    "config = snn.with_graded_spikes(snn.BERT_PER_CHANNEL_CONFIG, max_spikes_per_step=2, bias_steps=1)\n"
    "qann = snn.calibrate(snn.quantize(model, config), [(ids, mask)], progress=False).double()\n"
    "dash = snn.ConversionDashboard(float_acc=0.5, floor=0.5, token=1)\ndash",
    "with snn.running_stage('convert', [dash], text='the QANN, in float64'):\n    spiking = snn.convert_to_snn(qann)\n"
    "batches = [{'input_ids': ids[i:i + 4], 'attention_mask': mask[i:i + 4], 'labels': labels[i:i + 4]} for i in range(0, 24, 4)]\n"
    "m = snn.evaluate_snn(spiking, qann, batches, callbacks=[dash], record_first=True, chunk_steps=2)\n"
    "print('finished: agreement', m['snn_agreement'])",
]


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class jupyterlab:
    "A JupyterLab server on 127.0.0.1 serving `root`, with its own config folders; a context manager giving its URL."
    def __init__(self, root, work): self.root, self.work = Path(root), Path(work)

    def __enter__(self):
        self.port, self.token = _free_port(), secrets.token_hex(16)
        env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]),
               "OMP_NUM_THREADS": "1", "MPLBACKEND": "module://matplotlib_inline.backend_inline",
               **{k: str(self.work/k.lower()) for k in ("JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR",
                                                         "JUPYTERLAB_SETTINGS_DIR", "JUPYTERLAB_WORKSPACES_DIR")}}
        args = [sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1", f"--port={self.port}",
                f"--IdentityProvider.token={self.token}", f"--ServerApp.root_dir={self.root}", "--LabApp.news_url=None"]
        if hasattr(os, "geteuid") and os.geteuid() == 0: args.append("--allow-root")
        self.log = open(self.work/"jupyterlab.log", "w")
        self.proc = subprocess.Popen(args, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        self.url = f"http://127.0.0.1:{self.port}"
        for _ in range(240):
            if self.proc.poll() is not None: raise RuntimeError(f"JupyterLab exited: {(self.work/'jupyterlab.log').read_text()[-2000:]}")
            try: urllib.request.urlopen(f"{self.url}/api/status?token={self.token}", timeout=1); return self
            except OSError: time.sleep(0.5)
        raise RuntimeError("JupyterLab did not start within 2 minutes")

    def __exit__(self, *exc):
        self.proc.terminate()
        try: self.proc.wait(20)
        except subprocess.TimeoutExpired: self.proc.kill()
        self.log.close()


def _images(page):
    "The `src` of every image inside a widget (raster first, then the curve)."
    return page.locator(".jupyter-widgets img").evaluate_all("els => els.map(e => e.src)")


@pytest.mark.parametrize("cells", [CELLS, MRPC_CELLS], ids=["tiny_roberta", "mrpc_tutorial_siamese_gelu"])
def test_dashboard_lives_in_jupyterlab(tmp_path, cells):
    from playwright.sync_api import sync_playwright
    shots = Path(os.environ.get("SNN_SCREENSHOT_DIR") or tmp_path/"screenshots"); shots.mkdir(parents=True, exist_ok=True)
    tag = "mrpc" if cells is MRPC_CELLS else "tiny"
    root = tmp_path/"root"; root.mkdir()
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, root/"live.ipynb")
    with jupyterlab(root, tmp_path) as lab, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1300, "height": 1100})
            page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(lab.url) else r.abort())
            page.goto(f"{lab.url}/lab/tree/live.ipynb?token={lab.token}")
            page.wait_for_function("document.querySelectorAll('.jp-Notebook .jp-Cell').length >= 3", timeout=120_000)
            page.wait_for_selector("text=| Idle", timeout=120_000)           # the kernel is up
            for toast in page.locator('.jp-toast-button:has-text("No")').all(): toast.click()
            page.locator('.lm-MenuBar-itemLabel:has-text("Run")').first.click()
            page.locator('.lm-Menu-itemLabel:has-text("Run All Cells")').first.click()
            page.wait_for_selector(".jupyter-widgets img", timeout=180_000)  # the first chunk is drawn
            reads = []
            done = '.jp-OutputArea-output:has-text("finished: agreement")'   # the last cell's output (not its source)
            while not page.locator(done).count() and len(reads) < 600:
                reads.append(_images(page)); time.sleep(0.25)
            page.screenshot(path=str(shots/f"jupyterlab_running_{tag}.png"), full_page=True)
            page.wait_for_selector('.jp-OutputArea-output:has-text("finished: agreement 1.0")', timeout=180_000)
            curves = [r[-1] for r in reads if r]
            assert len(set(curves)) >= 2, "the curve did not change while the simulation ran"
            text = page.locator(".jp-Notebook").inner_text()
            assert "Error displaying widget" not in text and "VBox(children" not in text
            assert "✓ simulate" in text and "agreement 1.000" in text, text[-1500:]
            raster = _images(page)[0]
            readout = page.locator(".widget-slider .widget-readout").first
            readout.click(); page.keyboard.press("Control+A"); page.keyboard.type("5"); page.keyboard.press("Enter")
            page.wait_for_function("src => document.querySelector('.jupyter-widgets img').src !== src", arg=raster, timeout=60_000)
            assert readout.inner_text().strip() == "5"                        # the slider moved, and the raster was redrawn
            moved = _images(page)[0]
            select = page.locator(".widget-dropdown select").first
            first = select.evaluate("s => s.value")
            select.select_option(index=1)
            page.wait_for_function("src => document.querySelector('.jupyter-widgets img').src !== src", arg=moved, timeout=60_000)
            assert select.evaluate("s => s.value") != first                 # another layer chosen, and the raster redrawn
            page.screenshot(path=str(shots/f"jupyterlab_done_{tag}.png"), full_page=True)
        finally: browser.close()

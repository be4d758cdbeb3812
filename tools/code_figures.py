"""Code figures of the package (issue 19): run_glue size, long lines, notebook cell sizes.

    python tools/code_figures.py [REPO]
"""
import ast, json, re, statistics, sys
from pathlib import Path
repo = Path(sys.argv[1] if len(sys.argv) > 1 else ".")
lib = [p for p in sorted((repo/"snn_roberta").glob("*.py")) if p.name != "_modidx.py"]
rg = (repo/"snn_roberta"/"run_glue.py").read_text()
tree = ast.parse(rg)
defs = [n for n in tree.body if isinstance(n, (ast.FunctionDef, ast.ClassDef, ast.Assign, ast.AnnAssign))
        and not (isinstance(n, ast.Assign) and any(getattr(t, "id", "") == "__all__" for t in n.targets))]
print(f"run_glue.py lines: {len(rg.splitlines())}, top-level definitions: {len(defs)}")
cli = [p for p in lib if p.stem in ("run_glue", "finetune_all", "make_model_cli", "cli_checks", "report")]
for p in cli: print(f"  {p.name}: {len(p.read_text().splitlines())} lines")
print("library lines > 120 chars:", sum(len(l) > 120 for p in lib for l in p.read_text().splitlines()))
def cells(nb):
    return [c for c in json.loads(nb.read_text())["cells"] if c["cell_type"] == "code"]
def src(c): return "".join(c["source"]) if isinstance(c["source"], list) else c["source"]
def export(c): return re.search(r"^#\|\s*export", src(c), re.M) is not None
def n_defs(c):
    try: t = ast.parse("\n".join(l for l in src(c).splitlines() if not l.startswith(("#|", "%", "!"))))
    except SyntaxError: return 0
    return sum(isinstance(n, (ast.FunctionDef, ast.ClassDef)) or (isinstance(n, (ast.Assign, ast.AnnAssign))
               and not getattr(getattr(n, "targets", [None])[0], "id", "").startswith("_") and isinstance(n, ast.Assign)
               and all(isinstance(t, ast.Name) and t.id.isupper() for t in n.targets)) for n in t.body)
def report(name, nbs):
    cs = [c for nb in nbs for c in cells(nb)]
    lens = [len(src(c).splitlines()) for c in cs if src(c).strip()]
    ex = [c for c in cs if export(c)]
    several = [c for c in ex if n_defs(c) > 1]
    long = [c for c in cs if len(src(c).splitlines()) > 40]
    q = sorted(lens)
    print(f"{name}: {len(nbs)} notebooks, {len(lens)} code cells, median {statistics.median(lens)}, "
          f"p90 {q[int(.9*len(q))]}, cells over 40 lines {len(long)}, export cells {len(ex)}, "
          f"defining several things {len(several)} ({len(several)/max(1,len(ex)):.0%})")
allnb = sorted(p for p in (repo/"nbs").glob("[01]*.ipynb"))
report("stage notebooks 00-15", allnb)
mine = [p for p in allnb if p.name[:2] in ("08","09","10","11","12","13","15")]
report("top-layer notebooks 08-13, 15", mine)

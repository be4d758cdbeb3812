"""`snn-first-run`: the README's main job in one short command (its stages are tested in nbs/15_first_run.ipynb)."""
import configparser, os, re, shlex, subprocess, sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def test_registered_as_a_console_script():
    ini = configparser.ConfigParser(); ini.read(REPO/'settings.ini')
    assert 'snn-first-run=snn_roberta.first_run:main' in ini['DEFAULT']['console_scripts'].split()


def test_print_commands_is_the_long_form():
    code = 'from snn_roberta.first_run import main; main()'
    out = subprocess.run([sys.executable, '-c', code, '--print_commands', '--output_dir', 'r'],
                         capture_output=True, text=True, cwd=REPO, env={**os.environ, 'PYTHONPATH': str(REPO)})
    assert out.returncode == 0, out.stderr[-2000:]
    lines = out.stdout.strip().splitlines()
    assert [l.split()[0] for l in lines] == ['snn-make-model', 'snn-run-glue', 'snn-run-glue']
    assert lines[0].endswith('&& \\') and '--output_dir r/sst2-snn' in lines[2] and '--convert_to_snn' in lines[2]


def test_readme_runs_the_short_command():
    "The README's install-and-run command ends with the short command; the long form stays in the docs (index)."
    readme = (REPO/'README.md').read_text()
    assert 'pip install -e ".[dev]" && snn-first-run\n' in readme
    assert 'snn-first-run --print_commands' in readme


def test_the_long_form_in_the_readme_is_what_it_runs():
    "The README's block of three long commands holds, flag for flag, the stages `snn-first-run` runs."
    from snn_roberta.first_run import first_run_stages
    readme = (REPO/'README.md').read_text()
    block = next(b for b in re.findall(r'```bash\n(.*?)```', readme, re.S) if b.startswith('snn-make-model --kind minilm '))
    commands = block.replace('\\\n', ' ').strip().splitlines()
    assert [sorted(shlex.split(c)) for c in commands] == [sorted([s.command, *s.argv]) for s in first_run_stages()]

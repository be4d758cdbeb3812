"The tutorial's `python run_glue.py ...`: the same as the `snn-run-glue` command (see nbs/13_run_glue.ipynb)."
from snn_roberta.run_glue import main
if __name__ == "__main__": main()

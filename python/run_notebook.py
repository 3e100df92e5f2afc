"""Execute a notebook with nbclient (CI): fails on the first cell that raises.

Usage: python python/run_notebook.py examples/python-quickstart.ipynb [OUT.ipynb]
The notebook runs with its own directory as the working directory.
"""

import pathlib
import sys

import nbformat
from nbclient import NotebookClient

path = pathlib.Path(sys.argv[1])
nb = nbformat.read(path, as_version=4)
NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}).execute()
if len(sys.argv) > 2:
    nbformat.write(nb, sys.argv[2])
print(f"{path}: {len(nb.cells)} cells executed")

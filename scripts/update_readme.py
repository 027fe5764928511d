"""Regenerate the dataset-format section of README.md from the model (python scripts/update_readme.py)."""

from __future__ import annotations

import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from chaingraph.docs import BEGIN, END, dataset_format_markdown  # noqa: E402

readme = Path(__file__).resolve().parent.parent / "README.md"
text = readme.read_text(encoding="utf-8")
new = re.sub(re.escape(BEGIN) + ".*?" + re.escape(END), lambda _: f"{BEGIN}\n{dataset_format_markdown()}{END}",
             text, flags=re.S)
readme.write_text(new, encoding="utf-8")
print("README.md updated" if new != text else "README.md already current")

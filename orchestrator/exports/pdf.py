"""PDF from a document (orchestrator.exports.documents) with Typst, the typesetter behind ``typst`` on PyPI.

Typst gives kerning, real bold and italic and clean page breaks (a heading never ends a page) from a
short template per kind in ``templates/``. The document goes in as JSON through ``sys.inputs`` and is
placed as text, never parsed as markup, so a draft cannot inject Typst code. Only the bundled Noto Sans
(``fonts/``, SIL OFL) is used — system fonts are ignored — so every machine renders the same glyphs for
Latin (Vietnamese and Polish included), Greek and Cyrillic.
"""

import json
from pathlib import Path
from typing import Any

import typst

from orchestrator.exports.labels import primary_language

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"
FONTS = HERE / "fonts"
TYPST_PAPER = {"a4": "a4", "letter": "us-letter"}


def pdf_render(document: dict[str, Any], *, paper: str, language: str) -> bytes:
    return typst.compile(
        str(TEMPLATES / f"{document['kind']}.typ"), root=str(TEMPLATES), font_paths=[str(FONTS)],
        ignore_system_fonts=True,
        sys_inputs={"data": json.dumps(document, ensure_ascii=False), "paper": TYPST_PAPER[paper],
                    "lang": primary_language(language)},
    )

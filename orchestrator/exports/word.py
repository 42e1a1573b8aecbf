"""DOCX from a document (orchestrator.exports.documents) with python-docx, for recruiters who want Word.

Headings use Word's own Heading styles (restyled), so the navigation pane and applicant-tracking systems
see the structure; dates sit on a right tab stop. The font is Calibri: a DOCX names its font rather than
carrying it, and Calibri (or its metric twin Carlito in LibreOffice) is on every office machine and covers
Latin (Vietnamese and Polish included), Greek and Cyrillic.
"""

import io
from typing import Any

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.text import WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Inches, Pt, RGBColor

ACCENT = RGBColor(0x1F, 0x4E, 0x79)
MUTED = RGBColor(0x5A, 0x62, 0x70)
FONT = "Calibri"
PAGES = {"a4": (Cm(21), Cm(29.7)), "letter": (Inches(8.5), Inches(11))}


def _new(paper: str, margin: Cm) -> DocxDocument:
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = PAGES[paper]
    section.left_margin = section.right_margin = section.top_margin = section.bottom_margin = margin
    normal = document.styles["Normal"]
    normal.font.name, normal.font.size = FONT, Pt(10)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    normal.paragraph_format.space_after = Pt(3)
    for name, size in (("Heading 1", 10), ("Heading 2", 11)):
        style = document.styles[name]
        style.font.name, style.font.size, style.font.bold, style.font.color.rgb = FONT, Pt(size), True, ACCENT
        style.paragraph_format.space_before, style.paragraph_format.space_after = Pt(12), Pt(4)
    document.styles["Heading 1"].font.all_caps = True
    return document


def _text_width(document: DocxDocument) -> int:
    section = document.sections[0]
    return section.page_width - section.left_margin - section.right_margin


def _para(document: DocxDocument, text: str = "", *, size: float | None = None, bold: bool = False,
          color: RGBColor | None = None, italic: bool = False, style: str | None = None) -> Any:
    paragraph = document.add_paragraph(style=style)
    if text:
        run = paragraph.add_run(text)
        run.bold, run.italic = bold, italic
        if size:
            run.font.size = Pt(size)
        if color is not None:
            run.font.color.rgb = color
    return paragraph


def _rule_below(paragraph: Any) -> None:
    """A thin line under a section heading (a paragraph bottom border)."""
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "4"), ("w:space", "1"), ("w:color", "C9D3DE")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    paragraph._p.get_or_add_pPr().append(borders)


def _heading(document: DocxDocument, text: str) -> None:
    _rule_below(document.add_heading(text, level=1))


def _entry(document: DocxDocument, entry: dict[str, Any]) -> None:
    head = _para(document)
    head.paragraph_format.space_before, head.paragraph_format.keep_with_next = Pt(6), True
    head.paragraph_format.tab_stops.add_tab_stop(_text_width(document), WD_TAB_ALIGNMENT.RIGHT)
    head.add_run(entry["title"]).bold = True
    if entry["dates"]:
        dates = head.add_run(f"\t{entry['dates']}")
        dates.font.size, dates.font.color.rgb = Pt(9), MUTED
    if entry["subtitle"]:
        _para(document, entry["subtitle"], color=ACCENT).paragraph_format.keep_with_next = True
    if entry["text"]:
        _para(document, entry["text"])
    for bullet in entry["bullets"]:
        _para(document, bullet, style="List Bullet")
    if entry["meta"]:
        _para(document, entry["meta"], size=9, color=MUTED)


def _cv(document: DocxDocument, doc: dict[str, Any]) -> None:
    _para(document, doc["name"], size=22, bold=True)
    if doc["label"]:
        _para(document, doc["label"], size=12, color=ACCENT)
    if doc["contact"]:
        _para(document, "  |  ".join(item["text"] for item in doc["contact"]), size=9, color=MUTED)
    if doc["summary"]:
        _heading(document, doc["summary_title"])
        _para(document, doc["summary"])
    for section in doc["sections"]:
        _heading(document, section["title"])
        for item in section["items"]:
            if section["layout"] == "rows":
                row = _para(document)
                row.add_run(item["name"]).bold = True
                if item["text"]:
                    row.add_run(f": {item['text']}")
            else:
                _entry(document, item)


def _letter(document: DocxDocument, doc: dict[str, Any]) -> None:
    _para(document, doc["sender"]["name"], size=16, bold=True)
    _rule_below(_para(document, "  |  ".join(doc["sender"]["lines"]), size=9, color=MUTED))
    _para(document)
    for line in doc["recipient"]:
        _para(document, line).paragraph_format.space_after = Pt(0)
    _para(document, doc["date"]).alignment = 2  # right
    if doc["subject"]:
        _para(document, doc["subject"], bold=True).paragraph_format.space_before = Pt(12)
    for part in (doc["greeting"], *doc["paragraphs"], doc["closing"]):
        if part:
            _para(document, part).paragraph_format.space_after = Pt(8)
    _para(document, doc["signature"]).paragraph_format.space_before = Pt(18)


def _prep(document: DocxDocument, doc: dict[str, Any]) -> None:
    _para(document, doc["title"], size=18, bold=True)
    if doc["subtitle"]:
        _para(document, doc["subtitle"], size=11, color=ACCENT)
    for number, question in enumerate(doc["questions"], start=1):
        document.add_heading(f"{number}. {question['question']}", level=2)
        _para(document, question["category"].upper(), size=8, bold=True, color=ACCENT)
        if question["why"]:
            _para(document, f"{doc['labels']['why']}: {question['why']}", italic=True, color=MUTED)
        for line in question["outline"]:
            _para(document, line, style="List Bullet")
        if question["evidence"]:
            _para(document, f"{doc['labels']['evidence']}: " + ", ".join(question["evidence"]), size=8, color=MUTED)
    if doc["ask"]:
        _heading(document, doc["labels"]["ask"])
        for line in doc["ask"]:
            _para(document, line, style="List Bullet")


def docx_render(document: dict[str, Any], *, paper: str) -> bytes:
    margin = Cm(2.4) if document["kind"] == "cover_letter" else Cm(1.9)
    word = _new(paper, margin)
    {"cv": _cv, "cover_letter": _letter, "interview_prep": _prep}[document["kind"]](word, document)
    buffer = io.BytesIO()
    word.save(buffer)
    return buffer.getvalue()

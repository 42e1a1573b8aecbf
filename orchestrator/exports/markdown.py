"""Markdown from a document (orchestrator.exports.documents): for pasting into a form or an editor.

The draft's text is escaped (a ``*`` or ``#`` in a highlight prints as itself), so the file reads the
same in any Markdown viewer.
"""

import re
from typing import Any

_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|])")


def _md(text: str) -> str:
    escaped = _SPECIAL.sub(r"\\\1", str(text))
    return re.sub(r"^(\s*)([-+]|\d+\.)(\s)", r"\1\\\2\3", escaped, flags=re.MULTILINE)


def _cv_entry(entry: dict[str, Any]) -> list[str]:
    head = f"### {_md(entry['title'])}"
    lines = [head + (f" — {_md(entry['dates'])}" if entry["dates"] else "")]
    if entry["subtitle"]:
        lines.append(f"*{_md(entry['subtitle'])}*")
    if entry["text"]:
        lines += ["", _md(entry["text"])]
    if entry["bullets"]:
        lines += ["", *(f"- {_md(bullet)}" for bullet in entry["bullets"])]
    if entry["meta"]:
        lines += ["", _md(entry["meta"])]
    return [*lines, ""]


def _cv(document: dict[str, Any]) -> list[str]:
    lines = [f"# {_md(document['name'])}", ""]
    if document["label"]:
        lines += [f"**{_md(document['label'])}**", ""]
    if document["contact"]:
        lines += [" · ".join(_md(item["text"]) for item in document["contact"]), ""]
    if document["summary"]:
        lines += [f"## {_md(document['summary_title'])}", "", _md(document["summary"]), ""]
    for section in document["sections"]:
        lines += [f"## {_md(section['title'])}", ""]
        if section["layout"] == "rows":
            lines += [f"- **{_md(row['name'])}**" + (f": {_md(row['text'])}" if row["text"] else "")
                      for row in section["items"]] + [""]
        else:
            for entry in section["items"]:
                lines += _cv_entry(entry)
    return lines


def _letter(document: dict[str, Any]) -> list[str]:
    sender = document["sender"]
    lines = [f"**{_md(sender['name'])}**", *(f"{_md(line)}  " for line in sender["lines"]), ""]
    lines += [*(f"{_md(line)}  " for line in document["recipient"]), "", _md(document["date"]), ""]
    if document["subject"]:
        lines += [f"**{_md(document['subject'])}**", ""]
    for part in (document["greeting"], *document["paragraphs"], document["closing"], document["signature"]):
        if part:
            lines += [_md(part), ""]
    return lines


def _prep(document: dict[str, Any]) -> list[str]:
    labels = document["labels"]
    lines = [f"# {_md(document['title'])}", ""] + ([f"*{_md(document['subtitle'])}*", ""] if document["subtitle"]
                                                   else [])
    for number, question in enumerate(document["questions"], start=1):
        lines += [f"## {number}. {_md(question['question'])}", "", f"*{_md(question['category'])}*", ""]
        if question["why"]:
            lines += [f"**{_md(labels['why'])}:** {_md(question['why'])}", ""]
        lines += [f"- {_md(line)}" for line in question["outline"]] + [""]
        if question["evidence"]:
            lines += [f"{_md(labels['evidence'])}: " + ", ".join(f"`{path}`" for path in question["evidence"]), ""]
    if document["ask"]:
        lines += [f"## {_md(labels['ask'])}", "", *(f"- {_md(q)}" for q in document["ask"]), ""]
    return lines


def markdown_render(document: dict[str, Any]) -> bytes:
    writer = {"cv": _cv, "cover_letter": _letter, "interview_prep": _prep}[document["kind"]]
    return ("\n".join(writer(document)).rstrip() + "\n").encode("utf-8")

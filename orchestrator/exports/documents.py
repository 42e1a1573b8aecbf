"""A draft's content as a printable document: the one layout model the PDF, DOCX and Markdown writers share.

Each writer only places what is here, so what a CV shows (which sections, in which order, how an entry
reads, how dates print) is decided once. A CV section is a list of entries (title, subtitle, dates, text,
bullets, a line of keywords) or of rows (name: text); empty fields and sections are left out.
"""

from datetime import date
from typing import Any

from orchestrator.exports.labels import cv_labels, date_range, letter_date, month_year, prep_labels, subject_line


def _join(*parts: Any, sep: str = ", ") -> str:
    return sep.join(str(part).strip() for part in parts if part and str(part).strip())


def _entry(*, title: Any, subtitle: Any = "", dates: str = "", text: Any = "", bullets: Any = (),
           meta: str = "") -> dict[str, Any]:
    title, subtitle = str(title or "").strip(), str(subtitle or "").strip()
    if not title:  # a job without a position still shows its employer, as the title
        title, subtitle = subtitle, ""
    return {"title": title, "subtitle": subtitle, "dates": dates, "text": str(text or "").strip(),
            "bullets": [str(b).strip() for b in bullets or [] if str(b).strip()], "meta": meta}


def _contact(basics: dict[str, Any]) -> list[dict[str, str]]:
    location = basics.get("location") or {}
    items = [
        {"text": basics.get("email") or "", "url": f"mailto:{basics['email']}" if basics.get("email") else ""},
        {"text": basics.get("phone") or "", "url": ""},
        {"text": _join(location.get("city"), location.get("region"), location.get("countryCode")), "url": ""},
        {"text": basics.get("url") or "", "url": basics.get("url") or ""},
    ]
    for profile in basics.get("profiles") or []:
        label = _join(profile.get("network"), profile.get("username"), sep=": ") or profile.get("url")
        items.append({"text": label or "", "url": profile.get("url") or ""})
    return [item for item in items if item["text"]]


def _work(entries: list[dict[str, Any]], language: str) -> list[dict[str, Any]]:
    return [_entry(title=e.get("position"), subtitle=_join(e.get("name") or e.get("company"), e.get("location")),
                   dates=date_range(e.get("startDate"), e.get("endDate"), language=language),
                   text=e.get("summary"), bullets=e.get("highlights")) for e in entries]


def _education(entries: list[dict[str, Any]], language: str) -> list[dict[str, Any]]:
    return [_entry(title=_join(e.get("studyType"), e.get("area")), subtitle=e.get("institution"),
                   dates=date_range(e.get("startDate"), e.get("endDate"), language=language),
                   text=e.get("score"), bullets=e.get("courses")) for e in entries]


def _projects(entries: list[dict[str, Any]], language: str) -> list[dict[str, Any]]:
    return [_entry(title=e.get("name"), subtitle=e.get("url"), text=e.get("description"),
                   dates=date_range(e.get("startDate"), e.get("endDate"), language=language, ongoing=False),
                   bullets=e.get("highlights"), meta=_join(*(e.get("keywords") or []), sep=" · "))
            for e in entries]


def _certificates(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [_entry(title=e.get("name"), subtitle=e.get("issuer"), dates=month_year(e.get("date"))) for e in entries]


def cv_document(content: dict[str, Any], *, language: str) -> dict[str, Any]:
    """The CV draft's résumé, every section in the order a recruiter reads it."""
    resume = content.get("resume") or {}
    basics = resume.get("basics") or {}
    labels = cv_labels(language)
    skills = [{"name": _join(s.get("name"), s.get("level"), sep=" · "), "text": _join(*(s.get("keywords") or []))}
              for s in resume.get("skills") or []]
    languages = [{"name": lang.get("language") or "", "text": lang.get("fluency") or ""}
                 for lang in resume.get("languages") or []]
    sections = [
        ("work", _work(resume.get("work") or [], language), "entries"),
        ("education", _education(resume.get("education") or [], language), "entries"),
        ("projects", _projects(resume.get("projects") or [], language), "entries"),
        ("skills", [row for row in skills if row["name"] or row["text"]], "rows"),
        ("languages", [row for row in languages if row["name"]], "rows"),
        ("certificates", _certificates(resume.get("certificates") or []), "entries"),
    ]
    return {
        "kind": "cv", "name": basics.get("name") or "", "label": basics.get("label") or "",
        "contact": _contact(basics), "summary": basics.get("summary") or "", "summary_title": labels["summary"],
        "sections": [{"key": key, "title": labels[key], "layout": layout, "items": items}
                     for key, items, layout in sections if items],
    }


def _job_city(job: dict[str, Any]) -> str:
    locations = [loc for loc in job.get("locations") or [] if isinstance(loc, dict)]
    return _join(locations[0].get("city"), locations[0].get("country_code")) if locations else ""


def letter_document(content: dict[str, Any], *, profile: dict[str, Any], job: dict[str, Any], language: str,
                    written: date) -> dict[str, Any]:
    """The letter with its sender block (from the profile), the company, the date and a subject line."""
    basics = profile.get("basics") or {}
    company = job.get("company") or {}
    company_name = company.get("name") if isinstance(company, dict) else str(company or "")
    title = job.get("title") or ""
    return {
        "kind": "cover_letter",
        "sender": {"name": content.get("signature") or basics.get("name") or "",
                   "lines": [item["text"] for item in _contact(basics)]},
        "recipient": [line for line in (company_name, _job_city(job)) if line],
        "date": letter_date(written, language=language),
        "subject": subject_line(language, title) if title else "",
        "greeting": content.get("greeting") or "",
        "paragraphs": [p for p in content.get("paragraphs") or [] if str(p).strip()],
        "closing": content.get("closing") or "",
        "signature": content.get("signature") or "",
    }


def prep_document(content: dict[str, Any], *, job: dict[str, Any], language: str) -> dict[str, Any]:
    """Interview preparation: each question with why it is asked, the outline and its evidence."""
    labels = prep_labels(language)
    company = job.get("company") or {}
    company_name = company.get("name") if isinstance(company, dict) else str(company or "")
    questions = [
        {"question": q.get("question") or "", "category": labels.get(q.get("category") or "", q.get("category") or ""),
         "why": q.get("why_asked") or "", "outline": [str(line) for line in q.get("answer_outline") or []],
         "evidence": [str(path) for path in q.get("profile_evidence") or []]}
        for q in content.get("questions") or []
    ]
    return {"kind": "interview_prep", "title": labels["title"], "subtitle": _join(job.get("title"), company_name,
            sep=" · "), "labels": labels, "questions": questions,
            "ask": [str(q) for q in content.get("questions_to_ask") or []]}

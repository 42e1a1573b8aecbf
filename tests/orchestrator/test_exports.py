"""GET /api/v1/drafts/{id}/export: the files read back (pypdf, python-docx) hold every part of the draft."""
# ruff: noqa: RUF001 - text in Vietnamese, German, Greek and Russian, on purpose

import io
import json
import re
import unicodedata
from pathlib import Path
from typing import Any

import pypdf
import pypdfium2
import pytest
from django.conf import settings
from docx import Document
from rest_framework.test import APIClient

from orchestrator.models import Draft, JobPosting, Profile
from subscriptions.models import QuotaCounter
from tests.factories import UserFactory
from tests.orchestrator.conftest import client_for
from usage.models import AIProviderUsageLog

ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"
DEMO_PROFILE = json.loads((Path(settings.BASE_DIR) / "orchestrator" / "fixtures" / "demo_profile.json").read_text())
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

RESUME_VI = {
    "basics": {"name": "Nguyễn Thị Minh Khai", "label": "Kỹ sư phần mềm", "email": "khai@example.com",
               "summary": "Tám năm kinh nghiệm xây dựng hệ thống thanh toán bằng Python và Django."},
    "work": [
        {"name": "Công ty Cổ phần Giao Hàng Nhanh", "position": "Trưởng nhóm kỹ thuật", "startDate": "2019-03",
         "highlights": ["Giảm độ trễ của API xuống còn một phần tư", "Hướng dẫn bốn kỹ sư trẻ"]},
        {"name": "Ngân hàng Thương mại Cổ phần Á Châu", "position": "Kỹ sư phần mềm", "startDate": "2015-07",
         "endDate": "2019-02", "highlights": ["Xây dựng dịch vụ đối soát giao dịch trên PostgreSQL"]},
    ],
    "education": [{"institution": "Đại học Bách khoa Hà Nội", "area": "Khoa học máy tính", "studyType": "Kỹ sư",
                   "startDate": "2010", "endDate": "2015"}],
    "skills": [{"name": "Lập trình", "keywords": ["Python", "Django", "PostgreSQL"]}],
    "languages": [{"language": "Tiếng Việt", "fluency": "Bản ngữ"},
                  {"language": "Tiếng Anh", "fluency": "Thành thạo"}],
    "projects": [{"name": "Công cụ đối soát", "description": "Mã nguồn mở cho đối soát ngân hàng.",
                  "startDate": "2021"}],
    "certificates": [{"name": "Chứng chỉ AWS", "issuer": "Amazon Web Services", "date": "2022-09"}],
}
RESUME_DE = {
    "basics": {"name": "Jürgen Groß", "label": "Softwareentwickler", "email": "juergen@example.com",
               "location": {"city": "München", "countryCode": "DE"},
               "summary": "Entwickler mit zehn Jahren Erfahrung in Python, Django und PostgreSQL."},
    "work": [
        {"name": "Müller & Söhne Zahlungsverkehr GmbH", "position": "Leitender Entwickler", "startDate": "2018-01",
         "highlights": ["Zahlungsplattform für 4.000 Händler aufgebaut", "Ausfallzeiten um ein Drittel verringert"]},
        {"name": "Straßenbahn Würzburg AG", "position": "Entwickler", "startDate": "2013-09", "endDate": "2017-12",
         "highlights": ["Fahrplanauskunft über eine öffentliche Schnittstelle veröffentlicht"]},
    ],
    "education": [{"institution": "Technische Universität München", "area": "Informatik", "studyType": "M.Sc.",
                   "startDate": "2008", "endDate": "2013"}],
    "skills": [{"name": "Backend", "keywords": ["Python", "Django", "PostgreSQL"]}],
    "languages": [{"language": "Deutsch", "fluency": "Muttersprache"}],
    "projects": [{"name": "Fahrplan-Übersetzer", "description": "Wandelt GTFS-Daten um."}],
    "certificates": [{"name": "Zertifizierter Scrum-Master", "issuer": "Scrum Alliance", "date": "2016-05"}],
}
# Polish, Greek and Cyrillic in one CV: every glyph must come from the bundled font.
RESUME_MIXED = {
    "basics": {"name": "Zofia Łukasiewicz", "summary": "Inżynierka oprogramowania z Łodzi."},
    "work": [{"name": "Ελληνικά Ταχυδρομεία", "position": "Μηχανικός λογισμικού", "startDate": "2020-01",
              "highlights": ["Ανάπτυξη υπηρεσιών πληρωμών"]},
             {"name": "Яндекс", "position": "Разработчик", "startDate": "2016-02", "endDate": "2019-12",
              "highlights": ["Разработка платёжных сервисов на Python"]}],
}
LETTER_DE = {
    "greeting": "Sehr geehrte Damen und Herren,",
    "paragraphs": ["mit großem Interesse habe ich Ihre Ausschreibung für die Stelle als Backend-Entwickler gelesen.",
                   "In den letzten fünf Jahren habe ich bei der Müller & Söhne GmbH Zahlungsdienste aufgebaut.",
                   "Über eine Einladung zu einem persönlichen Gespräch würde ich mich sehr freuen."],
    "closing": "Mit freundlichen Grüßen", "signature": "Jürgen Groß",
}
LETTER_VI = {
    "greeting": "Kính gửi Phòng Nhân sự,",
    "paragraphs": ["Tôi viết thư này để ứng tuyển vị trí Kỹ sư phần mềm tại công ty.",
                   "Trong tám năm qua, tôi đã xây dựng các hệ thống thanh toán bằng Python.",
                   "Tôi rất mong có cơ hội được trao đổi thêm với quý công ty."],
    "closing": "Trân trọng,", "signature": "Nguyễn Thị Minh Khai",
}
JOB = {"title": "Senior Python Developer", "company": {"name": "Initech", "url": None}, "language": "en",
       "skills_required": ["Python"], "description_text": "Initech builds payment services in Python."}


def _flat(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def pdf_text(content: bytes) -> str:
    return _flat(" ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(content)).pages))


def docx_text(content: bytes) -> str:
    return _flat(" ".join(paragraph.text for paragraph in Document(io.BytesIO(content)).paragraphs))


def pdf_fonts(content: bytes) -> set[str]:
    fonts = set()
    for page in pypdf.PdfReader(io.BytesIO(content)).pages:
        for ref in page["/Resources"]["/Font"].values():
            fonts.add(str(ref.get_object()["/BaseFont"]).split("+")[-1])
    return fonts


def cv_facts(resume: dict[str, Any]) -> list[str]:
    """What a CV export must show: every employer, position, highlight, school, date and section entry."""
    facts = [resume["basics"]["name"], resume["basics"].get("summary", "")]
    for job in resume.get("work", []):
        facts += [job["name"], job["position"], *job["highlights"]]
        facts += [re.sub(r"^(\d{4})-(\d{2})$", r"\2/\1", job[key]) for key in ("startDate", "endDate") if key in job]
    for school in resume.get("education", []):
        facts += [school["institution"], school["area"], school["startDate"], school["endDate"]]
    facts += [k for skill in resume.get("skills", []) for k in skill["keywords"]]
    facts += [language["language"] for language in resume.get("languages", [])]
    facts += [project["name"] for project in resume.get("projects", [])]
    facts += [certificate["name"] for certificate in resume.get("certificates", [])]
    return [_flat(fact) for fact in facts if fact]


def letter_facts(letter: dict[str, Any]) -> list[str]:
    return [_flat(part) for part in (letter["greeting"], *letter["paragraphs"], letter["closing"], letter["signature"])]


@pytest.fixture
def job(user: Any) -> JobPosting:
    return JobPosting.objects.create(owner=user, source="text", data=JOB)


def make_draft(user: Any, job: JobPosting, kind: str, content: dict[str, Any], language: str = "en") -> Draft:
    if kind == "cv":
        content = {"resume": content, "changes": [], "warnings": [],
                   "keyword_coverage": {"matched": [], "missing": [], "ratio": None}}
    return Draft.objects.create(owner=user, job=job, kind=kind, content=content, language=language)


def export(api: APIClient, draft: Draft, file_format: str, **headers: str) -> Any:
    return api.get(f"/api/v1/drafts/{draft.pk}/export", {"format": file_format}, **headers)


@pytest.mark.parametrize(("resume", "language"), [(RESUME_VI, "vi"), (RESUME_DE, "de"), (DEMO_PROFILE, "en")])
@pytest.mark.parametrize(("file_format", "read"), [("pdf", pdf_text), ("docx", docx_text)])
def test_a_cv_export_holds_every_employer_date_and_highlight(
    api: APIClient, user: Any, job: JobPosting, resume: dict, language: str, file_format: str, read: Any
) -> None:
    draft = make_draft(user, job, "cv", resume, language)

    response = export(api, draft, file_format)

    assert response.status_code == 200
    text = read(response.content)
    missing = [fact for fact in cv_facts(resume) if fact not in text]
    assert missing == []


@pytest.mark.parametrize(("letter", "language"), [(LETTER_DE, "de"), (LETTER_VI, "vi")])
@pytest.mark.parametrize(("file_format", "read"), [
    ("pdf", pdf_text), ("docx", docx_text), ("md", lambda content: _flat(content.decode()))
])
def test_a_letter_export_holds_the_greeting_every_paragraph_and_the_closing(
    api: APIClient, user: Any, job: JobPosting, letter: dict, language: str, file_format: str, read: Any
) -> None:
    draft = make_draft(user, job, "cover_letter", {**letter, "warnings": []}, language)

    response = export(api, draft, file_format)

    assert response.status_code == 200
    text = read(response.content)
    assert [fact for fact in letter_facts(letter) if fact not in text] == []
    assert "Initech" in text  # the recipient block


def test_a_markdown_cv_has_every_section_as_a_heading(api: APIClient, user: Any, job: JobPosting) -> None:
    draft = make_draft(user, job, "cv", RESUME_DE, "de")

    response = export(api, draft, "md")

    assert response["Content-Type"] == "text/markdown; charset=utf-8"
    markdown = response.content.decode()
    assert markdown.startswith("# Jürgen Groß\n")
    for heading in ("Profil", "Berufserfahrung", "Ausbildung", "Projekte", "Kenntnisse", "Sprachen", "Zertifikate"):
        assert f"\n## {heading}\n" in markdown
    assert "### Leitender Entwickler — 01/2018 – heute" in markdown
    assert "- Zahlungsplattform für 4.000 Händler aufgebaut" in markdown
    assert "Müller & Söhne Zahlungsverkehr GmbH" in markdown


def test_polish_greek_and_cyrillic_render_with_the_bundled_font_only(
    api: APIClient, user: Any, job: JobPosting
) -> None:
    draft = make_draft(user, job, "cv", RESUME_MIXED, "pl")

    response = export(api, draft, "pdf")

    assert pdf_fonts(response.content) <= {"NotoSans-Regular", "NotoSans-Bold", "NotoSans-Italic",
                                           "NotoSans-BoldItalic"}
    text = pdf_text(response.content)
    assert [fact for fact in cv_facts(RESUME_MIXED) if fact not in text] == []


@pytest.mark.parametrize(("file_format", "content_type"), [
    ("pdf", "application/pdf"), ("docx", DOCX), ("md", "text/markdown; charset=utf-8")
])
def test_it_names_the_file_in_ascii_and_in_unicode(
    api: APIClient, user: Any, job: JobPosting, file_format: str, content_type: str
) -> None:
    draft = make_draft(user, job, "cv", RESUME_VI, "vi")

    response = export(api, draft, file_format)

    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"] == (
        f'attachment; filename="nguyen-thi-minh-khai-cv-senior-python-developer.{file_format}"; '
        f"filename*=UTF-8''nguy%E1%BB%85n-th%E1%BB%8B-minh-khai-cv-senior-python-developer.{file_format}"
    )


def test_an_ascii_name_has_no_unicode_form(api: APIClient, user: Any, job: JobPosting) -> None:
    draft = make_draft(user, job, "cover_letter", {**LETTER_DE, "signature": "Ada Lovelace"}, "de")

    response = export(api, draft, "md")

    expected = 'attachment; filename="ada-lovelace-cover-letter-senior-python-developer.md"'
    assert response["Content-Disposition"] == expected


@pytest.mark.parametrize(("query", "headers", "size"), [
    ({}, {}, (595, 842)),
    ({"paper": "letter"}, {}, (612, 792)),
    ({}, {"HTTP_ACCEPT_LANGUAGE": "en-US,en;q=0.8"}, (612, 792)),
    ({"paper": "a4"}, {"HTTP_ACCEPT_LANGUAGE": "en-US"}, (595, 842)),
    ({}, {"HTTP_ACCEPT_LANGUAGE": "de-DE,de;q=0.9"}, (595, 842)),
])
def test_the_paper_is_asked_for_or_follows_the_locale(
    api: APIClient, user: Any, job: JobPosting, query: dict, headers: dict, size: tuple
) -> None:
    draft = make_draft(user, job, "cv", RESUME_DE, "de")

    response = api.get(f"/api/v1/drafts/{draft.pk}/export", {"format": "pdf", **query}, **headers)

    box = pypdf.PdfReader(io.BytesIO(response.content)).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == size


def test_a_draft_in_us_english_is_printed_on_letter(api: APIClient, user: Any, job: JobPosting) -> None:
    draft = make_draft(user, job, "cv", DEMO_PROFILE, "en-US")

    response = export(api, draft, "docx")

    section = Document(io.BytesIO(response.content)).sections[0]
    assert (round(section.page_width.inches, 2), round(section.page_height.inches, 2)) == (8.5, 11)


@pytest.mark.parametrize("query", [{"format": "odt"}, {}, {"format": "pdf", "paper": "a3"}])
def test_it_refuses_an_unknown_format_or_paper_with_400(
    api: APIClient, user: Any, job: JobPosting, query: dict
) -> None:
    draft = make_draft(user, job, "cv", RESUME_DE, "de")

    response = api.get(f"/api/v1/drafts/{draft.pk}/export", query)

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    error = response.json()["error"]
    assert error["code"] == "invalid_request"
    assert error["details"]
    assert set(error["details"]) <= {"format", "paper"}


def test_another_users_draft_is_a_404(api: APIClient, job: JobPosting) -> None:
    mallory = UserFactory(username="mallory")
    other_job = JobPosting.objects.create(owner=mallory, source="text", data=JOB)
    theirs = make_draft(mallory, other_job, "cv", RESUME_DE, "de")

    response = export(api, theirs, "pdf")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    assert export(client_for(mallory), theirs, "pdf").status_code == 200


def test_an_export_calls_no_model_and_spends_no_quota(
    api: APIClient, user: Any, job: JobPosting, provider_requests: list
) -> None:
    draft = make_draft(user, job, "cv", RESUME_DE, "de")

    for file_format in ("pdf", "docx", "md"):
        assert export(api, draft, file_format).status_code == 200

    assert provider_requests == []
    assert not AIProviderUsageLog.objects.exists()
    assert not QuotaCounter.objects.filter(user=user).exclude(used=0, reserved=0).exists()


def test_a_letter_takes_the_senders_details_from_the_saved_profile(
    api: APIClient, user: Any, job: JobPosting
) -> None:
    Profile.objects.create(owner=user, data=DEMO_PROFILE)
    draft = make_draft(user, job, "cover_letter", {**LETTER_DE, "signature": "Alice Weber"}, "de")

    text = pdf_text(export(api, draft, "pdf").content)

    assert "alice@example.com" in text
    assert "+49 30 555 0142" in text
    assert "Bewerbung als Senior Python Developer" in text


def render_first_page(pdf: bytes, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    document = pypdfium2.PdfDocument(pdf)
    document[0].render(scale=150 / 72).to_pil().save(path)
    document.close()
    return path


def test_page_one_of_the_demo_cv_renders_to_a_png(api: APIClient, user: Any, job: JobPosting) -> None:
    """The artifact to look at: test-artifacts/cv-demo-page1.png (the README's docs/cv-example.png is one)."""
    draft = make_draft(user, job, "cv", DEMO_PROFILE, "en")

    png = render_first_page(export(api, draft, "pdf").content, ARTIFACTS / "cv-demo-page1.png")
    vietnamese = render_first_page(
        export(api, make_draft(user, job, "cv", RESUME_VI, "vi"), "pdf").content, ARTIFACTS / "cv-vi-page1.png"
    )

    print(f"CV page 1 rendered to {png} and {vietnamese}")
    from PIL import Image

    with Image.open(png) as image:
        assert abs(image.width - 1240) <= 1  # A4 at 150 dpi
        assert abs(image.height - 1754) <= 1
        dark = sum(image.convert("L").histogram()[:128])
    assert dark > 20_000  # text on the page, not a blank sheet


def test_markup_in_a_draft_is_printed_as_text_never_run(api: APIClient, user: Any, job: JobPosting) -> None:
    resume = {"basics": {"name": "Eve #emph[Example]"},
              "work": [{"name": "Acme *Corp*", "position": "Dev", "startDate": "2020-01",
                        "highlights": ['#read("/etc/passwd")', "- not a list item", "C++ and C# [link](x)"]}]}
    draft = make_draft(user, job, "cv", resume, "en")

    pdf = pdf_text(export(api, draft, "pdf").content)
    markdown = export(api, draft, "md").content.decode()

    for text in ("Eve #emph[Example]", "Acme *Corp*", '#read("/etc/passwd")', "C++ and C# [link](x)"):
        assert text in pdf
    assert "root:" not in pdf
    assert "- \\- not a list item" in markdown
    assert "Acme \\*Corp\\*" in markdown

# ruff: noqa: RUF001, RUF002 - words and dashes of other languages, on purpose
"""The words an exported document prints besides the draft's own text, in the draft's language.

A German CV with English section titles looks like a template nobody finished; the headings, "present"
for an open end date and the letter's subject line follow the draft's language (English when we have no
translation). Dates print as MM/YYYY (a CV never needs the day), which every locale reads.
"""

from datetime import date

CV_LABELS: dict[str, dict[str, str]] = {
    "en": {"summary": "Profile", "work": "Experience", "education": "Education", "skills": "Skills",
           "languages": "Languages", "projects": "Projects", "certificates": "Certificates", "present": "Present"},
    "de": {"summary": "Profil", "work": "Berufserfahrung", "education": "Ausbildung", "skills": "Kenntnisse",
           "languages": "Sprachen", "projects": "Projekte", "certificates": "Zertifikate", "present": "heute"},
    "fr": {"summary": "Profil", "work": "Expérience professionnelle", "education": "Formation",
           "skills": "Compétences", "languages": "Langues", "projects": "Projets", "certificates": "Certifications",
           "present": "aujourd’hui"},
    "es": {"summary": "Perfil", "work": "Experiencia profesional", "education": "Formación", "skills": "Habilidades",
           "languages": "Idiomas", "projects": "Proyectos", "certificates": "Certificaciones", "present": "actualidad"},
    "pl": {"summary": "Profil", "work": "Doświadczenie zawodowe", "education": "Wykształcenie",
           "skills": "Umiejętności", "languages": "Języki", "projects": "Projekty", "certificates": "Certyfikaty",
           "present": "obecnie"},
    "vi": {"summary": "Giới thiệu", "work": "Kinh nghiệm làm việc", "education": "Học vấn", "skills": "Kỹ năng",
           "languages": "Ngoại ngữ", "projects": "Dự án", "certificates": "Chứng chỉ", "present": "nay"},
    "el": {"summary": "Προφίλ", "work": "Επαγγελματική εμπειρία", "education": "Εκπαίδευση", "skills": "Δεξιότητες",
           "languages": "Γλώσσες", "projects": "Έργα", "certificates": "Πιστοποιήσεις", "present": "σήμερα"},
    "ru": {"summary": "Профиль", "work": "Опыт работы", "education": "Образование", "skills": "Навыки",
           "languages": "Языки", "projects": "Проекты", "certificates": "Сертификаты", "present": "н. в."},
}

SUBJECTS: dict[str, str] = {
    "en": "Application for {title}",
    "de": "Bewerbung als {title}",
    "fr": "Candidature au poste de {title}",
    "es": "Candidatura al puesto de {title}",
    "pl": "Zgłoszenie na stanowisko {title}",
    "vi": "Ứng tuyển vị trí {title}",
    "el": "Αίτηση για τη θέση {title}",
    "ru": "Отклик на вакансию {title}",
}

PREP_LABELS: dict[str, dict[str, str]] = {
    "en": {"title": "Interview preparation", "why": "Why they ask", "outline": "Your answer",
           "evidence": "From your profile", "ask": "Questions to ask them",
           "behavioral": "Behavioural", "technical": "Technical", "role": "Role", "company": "Company"},
    "de": {"title": "Vorbereitung auf das Vorstellungsgespräch", "why": "Warum gefragt wird",
           "outline": "Ihre Antwort", "evidence": "Aus Ihrem Profil", "ask": "Ihre Fragen an das Unternehmen",
           "behavioral": "Verhalten", "technical": "Fachlich", "role": "Rolle", "company": "Unternehmen"},
}

MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
             "November", "December")


def primary_language(language: str) -> str:
    """``de-AT`` → ``de``; anything unusable → ``en``."""
    code = (language or "").split("-")[0].lower()
    return code if code.isalpha() and 2 <= len(code) <= 3 else "en"


def cv_labels(language: str) -> dict[str, str]:
    return CV_LABELS.get(primary_language(language), CV_LABELS["en"])


def prep_labels(language: str) -> dict[str, str]:
    return PREP_LABELS.get(primary_language(language), PREP_LABELS["en"])


def subject_line(language: str, title: str) -> str:
    return SUBJECTS.get(primary_language(language), SUBJECTS["en"]).format(title=title)


def month_year(value: str | None) -> str:
    """``2019-01`` or ``2019-01-15`` → ``01/2019``; ``2019`` stays; anything else is printed as it is."""
    value = (value or "").strip()
    parts = value.split("-")
    if len(parts) >= 2 and parts[0].isdigit() and parts[1].isdigit():
        return f"{parts[1]}/{parts[0]}"
    return value


def date_range(start: str | None, end: str | None, *, language: str, ongoing: bool = True) -> str:
    """``01/2019 – 03/2022``; a job or a course of study with a start and no end is ongoing
    (``01/2019 – Present``), a project just started then (``ongoing=False``: ``2022``)."""
    start_text, end_text = month_year(start), month_year(end)
    if start_text and not end_text and ongoing:
        end_text = cv_labels(language)["present"]
    return " – ".join(text for text in (start_text, end_text) if text)


def letter_date(day: date, *, language: str) -> str:
    """The date line of a letter: ``3 December 2026`` in English, ``03.12.2026`` elsewhere."""
    if primary_language(language) == "en":
        return f"{day.day} {MONTHS_EN[day.month - 1]} {day.year}"
    return day.strftime("%d.%m.%Y")

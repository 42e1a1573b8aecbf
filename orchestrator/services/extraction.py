"""Job extraction from pasted text, a screenshot or a URL (docs/architecture.md), saved as a JobPosting.

URL input: the guarded fetcher gets the page; a JobPosting JSON-LD block is used first and costs no
model call for what it states. When that block lacks the title or the company name (schema.org's own
example, test page 03, has no ``hiringOrganization``), one small model call reads the page text for
those two fields only; the JSON-LD facts are kept as they are. Without JSON-LD, the readable text
(trafilatura) plus the page's whole visible text goes to the model, wrapped as untrusted data.

Response cache: every model call here passes a ``cache_key`` built from the raw input
(``response_cache.input_key``), so the same user extracting the same input again within the cache's TTL
gets the stored answer with no provider call. Pasted text is compared with its white space collapsed; a
page by the text the prompt quotes and the URL the page was fetched from (the prompt names it); an image
by its bytes and type.
"""

import re

import lxml.html
import trafilatura
from django.contrib.auth.models import AbstractBaseUser

from core.errors import InvalidRequest
from core.text import ensure_enough_text, has_enough_text
from orchestrator.errors import ImageTooLarge, UrlFetchFailed
from orchestrator.fetching import FetchedPage, fetch_page
from orchestrator.jsonld import job_posting_from_page, parse_document
from orchestrator.models import JobPosting
from orchestrator.services import response_cache
from orchestrator.services.orchestrator import Generation
from orchestrator.services.task_runner import task_run
from orchestrator.tasks import job_posting as tasks
from providers.base import ImageInput

MAX_IMAGE_BYTES = ImageTooLarge.limit_bytes
MAIN_TEXT_CHARS = 20_000
PAGE_TEXT_CHARS = 10_000
IMAGE_SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
)
_INVISIBLE_TAGS = ("script", "style", "noscript", "template", "svg", "head")
def image_input(data: bytes) -> ImageInput:
    """An ImageInput from uploaded bytes, typed by its magic bytes (PNG, JPEG, WebP) — never by the
    declared type. Over 5 MB: 413 ``payload_too_large``; anything else: 400."""
    if len(data) > MAX_IMAGE_BYTES:
        raise ImageTooLarge(details={"image": [f"{len(data)} bytes; the limit is {MAX_IMAGE_BYTES} bytes."]})
    for signature, mime_type in IMAGE_SIGNATURES:
        if data.startswith(signature):
            return ImageInput(data=data, mime_type=mime_type)
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return ImageInput(data=data, mime_type="image/webp")
    raise InvalidRequest(details={"image": ["Not a PNG, JPEG or WebP image."]})


def _save(
    *, user: AbstractBaseUser, source: str, data: tasks.JobPostingData, generation: Generation | None, url: str = ""
) -> JobPosting:
    return JobPosting.objects.create(
        owner=user, source=source, source_url=url, data=data.model_dump(mode="json"),
        usage_log=generation.usage_log if generation else None,
    )


def visible_text(document: lxml.html.HtmlElement) -> str:
    """All the text a reader sees on the page, image alt texts included (logos often name the company)."""
    for element in document.xpath("//" + " | //".join(_INVISIBLE_TAGS)):
        element.drop_tree()
    for image in document.xpath("//img[@alt]"):
        image.tail = f" {image.get('alt')} " + (image.tail or "")
    for block in document.iter("p", "div", "li", "br", "h1", "h2", "h3", "h4", "tr", "footer", "header"):
        block.tail = "\n" + (block.tail or "")
    lines = (re.sub(r"[ \t\r\f\v]+", " ", line).strip() for line in document.text_content().splitlines())
    return "\n".join(line for line in lines if line)


def _fill_gaps(
    *, user: AbstractBaseUser, posting: tasks.JobPostingData, url: str, page_text: str
) -> tuple[tasks.JobPostingData, Generation | None]:
    """Ask the model for the title or the company name only when the JSON-LD lacks them."""
    company = posting.company or tasks.Company()
    missing = [name for name, value in (("title", posting.title), ("company", company.name)) if not value]
    if not missing or not has_enough_text(page_text):
        return posting, None
    page_text = page_text[:PAGE_TEXT_CHARS]
    run = task_run(
        definition=tasks.POSTING_GAPS, user=user,
        prompt=tasks.prompt_for_gaps(url=url, missing=missing, page_text=page_text),
        cache_key=response_cache.input_key(tasks.POSTING_GAPS, "page", url, ",".join(missing), page_text),
    )
    gaps: tasks.PostingGaps = run.output
    found_company = gaps.company or tasks.Company()
    filled = posting.model_copy(update={
        "title": posting.title or gaps.title,
        "company": tasks.Company(name=company.name or found_company.name, url=company.url or found_company.url),
    })
    return filled, run.generation


def _from_html(
    *, user: AbstractBaseUser, page: FetchedPage
) -> tuple[tasks.JobPostingData, Generation | None]:
    html = page.text()
    document = parse_document(html)
    if document is None:
        raise UrlFetchFailed("The page has no readable content.", details={"reason": "no_content"})
    title = (document.findtext(".//title") or "").strip()
    from_jsonld = job_posting_from_page(document)
    page_text = visible_text(document)
    if from_jsonld is not None:
        return _fill_gaps(user=user, posting=from_jsonld, url=page.url, page_text=page_text)
    main_text = trafilatura.extract(html, favor_recall=True, include_comments=False) or ""
    if not has_enough_text(main_text, page_text):
        raise UrlFetchFailed("The page has no readable job text.", details={"reason": "no_text"})
    return _extract_page(
        user=user, url=page.url, title=title, main_text=main_text, page_text=page_text
    )


def _from_plain_text(
    *, user: AbstractBaseUser, page: FetchedPage
) -> tuple[tasks.JobPostingData, Generation]:
    text = page.text()
    if not has_enough_text(text):
        raise UrlFetchFailed("The page has no readable job text.", details={"reason": "no_text"})
    return _extract_page(user=user, url=page.url, title="", main_text=text, page_text="")


def _extract_page(
    *, user: AbstractBaseUser, url: str, title: str, main_text: str, page_text: str
) -> tuple[tasks.JobPostingData, Generation]:
    main_text, page_text = main_text[:MAIN_TEXT_CHARS], page_text[:PAGE_TEXT_CHARS]
    run = task_run(
        definition=tasks.EXTRACTION, user=user,
        prompt=tasks.prompt_for_page(url=url, page_title=title, main_text=main_text, page_text=page_text),
        cache_key=response_cache.input_key(tasks.EXTRACTION, "page", url, title, main_text, page_text),
    )
    return run.output, run.generation


def job_posting_extract_from_url(
    *, user: AbstractBaseUser, url: str
) -> JobPosting:
    page = fetch_page(url)
    extract = _from_plain_text if page.content_type == "text/plain" else _from_html
    data, generation = extract(user=user, page=page)
    return _save(user=user, source=JobPosting.Source.URL, data=data, generation=generation, url=url)


def job_posting_extract_from_text(
    *, user: AbstractBaseUser, text: str
) -> JobPosting:
    ensure_enough_text(text, field="text")
    run = task_run(
        definition=tasks.EXTRACTION, user=user, prompt=tasks.prompt_for_text(text),
        cache_key=response_cache.input_key(tasks.EXTRACTION, "text", response_cache.normalized_text(text)),
    )
    return _save(user=user, source=JobPosting.Source.TEXT, data=run.output, generation=run.generation)


def job_posting_extract_from_image(*, user: AbstractBaseUser, image_data: bytes) -> JobPosting:
    """A screenshot's posting; the bytes must be a PNG, JPEG or WebP image (``image_input``)."""
    image = image_input(image_data)
    run = task_run(
        definition=tasks.EXTRACTION, user=user, prompt=tasks.prompt_for_image(), images=[image],
        cache_key=response_cache.input_key(tasks.EXTRACTION, "image", image.mime_type, image.data),
    )
    return _save(user=user, source=JobPosting.Source.IMAGE, data=run.output, generation=run.generation)

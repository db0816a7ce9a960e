"""HTML to PDF with WeasyPrint.

The report's template inlines its styles, charts and QR code, so rendering fetches nothing:
only ``data:`` URIs are allowed, which also keeps a ``file://`` or outside URL in user text
from being read. Fonts come from the system (Noto Sans CJK SC from Debian's fonts-noto-cjk);
WeasyPrint embeds the subset of glyphs used, with their Unicode mapping, so the Chinese text
can be copied and extracted.
"""

from dataclasses import dataclass

from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher


@dataclass(frozen=True)
class RenderedPdf:
    content: bytes
    pages: int


def html_to_pdf(html: str) -> RenderedPdf:
    fetcher = URLFetcher(allowed_protocols=("data",))
    document = HTML(string=html, url_fetcher=fetcher, base_url=None).render(
        font_config=FontConfiguration()
    )
    return RenderedPdf(content=document.write_pdf(), pages=len(document.pages))

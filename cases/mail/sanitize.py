"""HTML cleaning of the whole case workspace, with nh3 against explicit allow-lists.

Messages (`sanitize_html`) keep text structure (paragraphs, lists, tables,
emphasis, links) and inline images that point to an attachment of the message
(`cid:`). Dropped: scripts, styles, classes, forms, frames, and remote images (a
remote image tells its sender when and where an agent read the message).

Notes (`sanitize_note_html`) keep only what their editor writes: paragraphs,
line breaks, bold, italic, lists and links. Both drop every attribute not listed,
so Draftail's `data-block-key` never reaches the database.
"""

import html as html_lib
import re

import nh3

TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "div", "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i",
    "img", "li", "ol", "p", "pre", "s", "small", "span", "strong", "sub", "sup", "table", "tbody", "td", "tfoot",
    "th", "thead", "tr", "u", "ul",
}  # fmt: skip
ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
}
URL_SCHEMES = {"http", "https", "mailto", "tel", "cid"}
# Draftail writes b and i; notes written before it hold strong and em.
NOTE_TAGS = {"p", "br", "b", "strong", "i", "em", "ul", "ol", "li", "a"}
CID_SRC = re.compile(r"""(<img\b[^>]*?\bsrc=")cid:([^"]+)(")""", re.IGNORECASE)


def keep_only_inline_images(tag: str, attribute: str, value: str) -> str | None:
    if tag == "img" and attribute == "src" and not value.lower().startswith("cid:"):
        return None
    if tag == "a" and attribute == "href" and value.lower().startswith("cid:"):
        return None
    return value


def cleaner(tags: set[str], attributes: dict[str, set[str]], url_schemes: set[str], **options) -> nh3.Cleaner:
    return nh3.Cleaner(
        tags=tags,
        clean_content_tags={"script", "style", "title", "head"},
        attributes=attributes,
        url_schemes=url_schemes,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
        **options,
    )


CLEANER = cleaner(TAGS, ATTRIBUTES, URL_SCHEMES, attribute_filter=keep_only_inline_images)
NOTE_CLEANER = cleaner(NOTE_TAGS, {"a": {"href"}}, URL_SCHEMES - {"cid"})


def sanitize_html(html: str) -> str:
    return CLEANER.clean(html).strip()


def sanitize_note_html(html: str) -> str:
    return NOTE_CLEANER.clean(html).strip()


def text_to_html(text: str) -> str:
    """Plain text as HTML: paragraphs on blank lines, <br> on single line breaks."""
    paragraphs = [block.strip("\n") for block in re.split(r"\n\s*\n", text.strip()) if block.strip()]
    return "".join(f"<p>{html_lib.escape(block).replace(chr(10), '<br>')}</p>" for block in paragraphs)


def html_to_text(html: str) -> str:
    """A readable plain-text version of sanitised HTML."""
    text = re.sub(r"(?i)<br\s*/?>", "\n", html)
    text = re.sub(r"(?i)</(p|div|li|tr|h[1-6]|blockquote|table)>", "\n\n", text)
    text = html_lib.unescape(nh3.clean(text, tags=set()))
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def resolve_inline_images(html: str, url_for_cid) -> str:
    """Point `cid:` images at their attachment: `url_for_cid(cid)` returns a URL, or None to drop the image source.

    The case page calls it with the attachment download view when it shows a message.
    """

    def replace(match: re.Match) -> str:
        url = url_for_cid(html_lib.unescape(match.group(2)))
        return f"{match.group(1)}{html_lib.escape(url)}{match.group(3)}" if url else f"{match.group(1)}{match.group(3)}"

    return CID_SRC.sub(replace, html)

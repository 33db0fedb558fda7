"""Remove the quoted history from a reply, keeping only what the sender wrote.

Mail clients quote the previous message below the reply, each in its own way:

- Gmail: `<div class="gmail_quote">` (attribution "Le … a écrit :" inside);
- Outlook (desktop, web, mobile): `<div id="appendonsend">`, `<div id="divRplyFwdMsg">`
  or a top-bordered block starting with "De : … Envoyé : …", in text an
  "-----Message d'origine-----" / "-----Original Message-----" line or a
  "De : / Envoyé : / À : / Objet :" header block;
- Apple Mail: `<blockquote type="cite">` (attribution inside);
- Thunderbird: `<div class="moz-cite-prefix">` then `<blockquote type="cite">`;
- AOL: an "-----Original Message-----" line inside the HTML; Hotmail / Outlook.com:
  `<div id="SkyDrivePlaceholder">` or `<hr id="stopSpelling">`; Outlook for Mac:
  `<span id="OLK_SRC_BODY_SECTION">`; desktop Outlook without a border: a paragraph
  "From: … <br>Sent: …"; Sparrow: an attribution paragraph before `<blockquote type="cite">`;
- plain text: "Le … a écrit :" / "On … wrote:" then lines starting with ">".

Everything from the first marker to the end is dropped. When that would leave
nothing (a forward with no words of its own), the message is kept whole: better
too much than nothing.

A forward is never stripped: a citizen forwarding the town hall's answer with one
line on top wants it read. « ---------- Message transféré ---------- », « --------
Forwarded Message -------- », « Début du message réexpédié : » before any reply
marker, or a subject starting « TR : » / « Fwd: », keep the whole email.
"""

import re

from bs4 import BeautifulSoup, NavigableString, Tag

ATTRIBUTION = re.compile(
    r"^\s*(?=.*\d)(le\s.{0,200}\sa\s+écrit|on\s.{0,200}\swrote|el\s.{0,200}\sescribió|am\s.{0,200}\sschrieb)\s*:?\s*$",
    re.IGNORECASE | re.DOTALL,
)
SEPARATOR = re.compile(
    r"^\s*-{2,}\s*(original message|message d'origine|message original|mail original)\s*-{2,}\s*$|^\s*_{10,}\s*$",
    re.IGNORECASE,
)
FORWARD = re.compile(
    r"^\s*(-{2,}\s*(forwarded message|message transféré|mail transféré|weitergeleitete nachricht|mensaje reenviado)"
    r"\s*-{2,}|(début du message (réexpédié|transféré)|begin forwarded message|anfang der weitergeleiteten "
    r"(nachricht|e-mail))\s*:)\s*$",
    re.IGNORECASE,
)
FORWARD_SUBJECT = re.compile(r"^\s*(tr|fwd?|wg|rv|enc)\s*:", re.IGNORECASE)
HEADER_FROM = re.compile(r"^\s*\*?(de|from)\s*\*?\s*:", re.IGNORECASE)
HEADER_NEXT = re.compile(r"^\s*\*?(envoyé|sent|date|à|to|objet|subject)\s*\*?\s*:", re.IGNORECASE)

MARKER_CLASSES = {"gmail_quote", "gmail_quote_container", "moz-cite-prefix", "yahoo_quoted", "quoted-reply-marker"}
MARKER_IDS = {"appendonsend", "divRplyFwdMsg", "SkyDrivePlaceholder", "stopSpelling", "OLK_SRC_BODY_SECTION"}


def is_forward(subject: str) -> bool:
    """A subject as mail clients write it when forwarding (« TR : », « Fwd: », « WG: »…)."""
    return bool(FORWARD_SUBJECT.match(subject or ""))


def strip_text(text: str) -> str:
    lines = text.splitlines()
    cut = quote_start(lines)
    kept = "\n".join(lines[:cut]).rstrip() if cut is not None else text.strip()
    return kept if kept.strip() else text.strip()


def quote_start(lines: list[str]) -> int | None:
    for index, line in enumerate(lines):
        following = lines[index + 1 : index + 5]
        two_lines = f"{line} {lines[index + 1]}" if index + 1 < len(lines) else line
        if FORWARD.match(line):
            return None
        if SEPARATOR.match(line):
            return index
        if HEADER_FROM.match(line) and any(HEADER_NEXT.match(other) for other in following):
            return index
        if line.lstrip().startswith(">") and all(
            other.lstrip().startswith(">") or not other.strip() for other in lines[index:]
        ):
            return index
        if ATTRIBUTION.match(line) or (ATTRIBUTION.match(two_lines) and not line.rstrip().endswith(":")):
            return index
    return None


def strip_html(html: str) -> str:
    """The reply part of an HTML email (still to be sanitised)."""
    soup = BeautifulSoup(html, "html.parser")
    root = soup.body or soup
    marker = first_marker(root)
    if marker is None:
        return html
    cut_from(marker)
    if not root.get_text(strip=True) and not root.find("img"):
        return html
    return str(root.decode_contents() if soup.body else soup)


def first_marker(root: Tag) -> Tag | NavigableString | None:
    """The first quote marker in document order (one pass; CSS selectors are ten times slower); None for a forward."""
    for node in root.descendants:
        if isinstance(node, NavigableString):
            line = str(node).strip()
            if FORWARD.match(line):
                return None
            if SEPARATOR.match(line) and line.startswith("-"):  # AOL: the separator line inside the HTML
                return node
            continue
        if not isinstance(node, Tag):
            continue
        if node.name == "blockquote":
            previous = node.find_previous_sibling()
            if previous is not None and ATTRIBUTION.match(previous.get_text(" ", strip=True)):
                return previous
        if is_marker(node) or is_outlook_header(node):
            return None if FORWARD.match(first_line(node)) else node
    return None


def first_line(tag: Tag) -> str:
    return next((line for line in tag.get_text("\n").splitlines() if line.strip()), "")


def is_marker(tag: Tag) -> bool:
    """Gmail, Outlook web, Thunderbird, Yahoo and our own markers, and Apple Mail's and Thunderbird's citation."""
    if MARKER_CLASSES.intersection(tag.get("class") or ()) or tag.get("id") in MARKER_IDS:
        return True
    return tag.name == "blockquote" and tag.get("type") == "cite"


def is_outlook_header(tag: Tag) -> bool:
    """Outlook desktop: a top-bordered block, or a rule, followed by "De :" / "From:"; or a paragraph that is
    the header block itself ("From: …", then "Sent: …" on one of its next lines)."""
    if tag.name in ("div", "p") and "border-top" in (tag.get("style") or "").lower():
        return bool(HEADER_FROM.match(tag.get_text(" ", strip=True)))
    if tag.name == "p":
        lines = [line for line in tag.get_text("\n").splitlines() if line.strip()]
        return bool(lines) and bool(HEADER_FROM.match(lines[0])) and any(HEADER_NEXT.match(line) for line in lines[1:])
    if tag.name == "hr":
        following = tag.find_next(string=True)
        return following is not None and bool(HEADER_FROM.match(str(following).strip() or "x"))
    return False


def cut_from(element: Tag) -> None:
    """Remove the element, everything after it and everything after each of its ancestors."""
    node = element
    while node is not None and node.name not in ("body", "[document]"):
        parent = node.parent
        for sibling in list(node.next_siblings):
            sibling.extract()
        node = parent
    element.extract()

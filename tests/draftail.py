"""What the browser posts for a Draftail field (cases/views/rich_text.py): contentstate JSON; reading it back."""

import html
import json
import re
import zlib


def block(text: str, kind: str = "unstyled", *, styles=(), links=()) -> dict:
    """A Draftail block; `styles` as (style, offset, length), `links` as (entity key, offset, length)."""
    return {
        "key": f"{zlib.crc32(text.encode()):08x}"[:5],  # Draftail's keys are 5 random characters
        "text": text,
        "type": kind,
        "depth": 0,
        "inlineStyleRanges": [{"style": style, "offset": offset, "length": length} for style, offset, length in styles],
        "entityRanges": [{"key": key, "offset": offset, "length": length} for key, offset, length in links],
        "data": {},
    }


def contentstate(*blocks: dict, entities: dict | None = None) -> str:
    return json.dumps({"blocks": list(blocks), "entityMap": entities or {}})


def typed(*paragraphs: str) -> str:
    """What Draftail posts after the agent typed these paragraphs (Enter between them)."""
    return contentstate(*(block(text) for text in paragraphs))


def link(url: str, **data) -> dict:
    return {"type": "LINK", "mutability": "MUTABLE", "data": {"url": url, **data}}


def editor_text(page_html: str, name: str) -> str:
    """The text loaded into the Draftail field `name` of a page (its hidden input's contentstate), one line a block."""
    match = re.search(rf'<input type="hidden" name="{name}" value="([^"]*)"[^>]*data-draftail-input', page_html)
    assert match, f"no Draftail field {name}"
    state = json.loads(html.unescape(match.group(1)))
    return "\n".join(block["text"] for block in state["blocks"])

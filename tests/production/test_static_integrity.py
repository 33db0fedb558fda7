"""django-dsfr's stylesheets and scripts, collected for production, still match the integrity hash it prints.

Browsers refuse a file whose bytes differ from its `integrity` attribute: with WhiteNoise's manifest
storage rewriting the url() of the DSFR stylesheet, every public page lost its design (mediature/storage.py).
"""

import base64
import hashlib
import json
import posixpath
import re
from pathlib import Path

from django.template import engines

PINNED_TAG = re.compile(r'(?:href|src)="/static/(?P<path>[^"]+)"\s+integrity="(?P<integrity>[^"]+)"')
CSS_URL = re.compile(r"""url\(\s*["']?(?P<url>[^"')]+)["']?\s*\)""")


def subresource_integrity(data: bytes) -> str:
    return "sha384-" + base64.b64encode(hashlib.sha384(data).digest()).decode()


def integrity_pins() -> dict[str, str]:
    """Static path → integrity, as django-dsfr's tags print them in every public page."""
    html = engines["django"].from_string("{% load dsfr_tags %}{% dsfr_css %}{% dsfr_js %}").render({})
    return {match["path"]: match["integrity"] for match in PINNED_TAG.finditer(html)}


def served_name(static_root: Path, path: str) -> Path:
    """The file the production page links to: its hashed name from the manifest."""
    manifest = json.loads((static_root / "staticfiles.json").read_text())
    return static_root / manifest["paths"][path]


def test_every_integrity_pinned_file_is_served_as_pinned(production_static):
    pins = integrity_pins()
    assert len(pins) == 4, pins  # the DSFR and utility stylesheets, the module and nomodule scripts
    served = {path: subresource_integrity(served_name(production_static, path).read_bytes()) for path in pins}
    assert served == pins


def test_the_fonts_and_icons_of_pinned_stylesheets_are_collected(production_static):
    for path in integrity_pins():
        if not path.endswith(".css"):
            continue
        stylesheet = served_name(production_static, path).read_text()
        urls = {match["url"] for match in CSS_URL.finditer(stylesheet) if not match["url"].startswith("data:")}
        targets = {re.split(r"[?#]", url)[0] for url in urls}
        assert targets, path
        missing = [
            url
            for url in targets
            if not (production_static / posixpath.normpath(posixpath.join(posixpath.dirname(path), url))).is_file()
        ]
        assert missing == [], f"{path} points to files collectstatic did not write: {missing[:10]}"

"""Every URL pattern the project and Wagtail register, filled with ids of the objects under test.

The resolver is walked pattern by pattern; each argument is filled from its name (a page id for
`page_id`, a document id for `document_id`…; a bare `pk` takes its meaning from the path around it).
Patterns whose arguments cannot be filled (a token, a password-reset link) are left out: they are
public by nature or reached by the crawl's links.
"""

import itertools
import re
from collections.abc import Iterator

from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern, RoutePattern

ROUTE_ARGUMENT = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")
REGEX_GROUP = re.compile(r"\(\?P<(?P<name>\w+)>[^)]*\)")
REGEX_LEFTOVER = re.compile(r"[()\\*+?\[\]|]")

# Argument name → the world ids it takes (several: every one is tried).
BY_NAME = {
    "number": ["number"],
    "note_pk": ["note"],
    "attachment_pk": ["attachment"],
    "message_pk": ["message"],
    "page_id": ["page", "published_page"],
    "parent_page_id": ["section", "page"],
    "page_to_move_id": ["page"],
    "destination_id": ["section"],
    "page_pk": ["page"],
    "object_id": ["page"],
    "revision_id": ["revision"],
    "revision_id_a": ["revision"],
    "revision_id_b": ["revision"],
    "document_id": ["document"],
    "doc_id": ["document"],
    "image_id": ["image"],
    "collection_id": ["collection"],
    "authority_id": ["authority"],
    "membership_id": ["membership"],
    "invitation_id": ["invitation"],
    "user_id": ["user"],
    "referral_pk": ["referral"],
    "job_pk": ["job"],
}
# A bare `pk`: the first path fragment found before it decides what it is.
PK_BY_PATH = [
    ("api/main/^pages", ["page", "published_page"]),
    ("api/main/^documents", ["document"]),
    ("api/main/^images", ["image"]),
    ("collections", ["collection"]),
    ("inboundemail", ["inbound", "kept_aside"]),
    ("collectivites", ["authority"]),
    ("users", ["user"]),
    ("groups", ["group"]),
    ("revisions", ["published_page"]),
]
# Model-naming arguments: the page models and the file models of the project.
MODELS = [("pages", "contentpage"), ("wagtailcore", "page"), ("wagtaildocs", "document"), ("wagtailimages", "image")]
MODEL_ARGUMENTS = {
    ("content_type_app_name", "content_type_model_name"),
    ("app_label", "model_name"),
    ("app_name", "model_name"),
}
CONSTANTS = {
    "section": ["coordonnees"],
    "filter_spec": ["original"],
    "action": ["delete", "move", "publish"],
    "action_name": ["approve"],
    "kind": ["reponse", "note"],  # a draft of the case page (cases/drafts/)
}
# Objects that none of the two authorities owns (workflow tasks, upload sessions…): a likely id.
UNOWNED = {"task_state_id", "task_id", "workflow_state_id", "session_id", "uploaded_file_id", "redirect_id"}
UNFILLABLE = {"token", "uidb64", "restriction_id", "page_view_restriction_id", "instance_pk"}
# Views that take the objects to show as `?id=`: the chosen-multiple views and the bulk actions.
CHOSEN_BY_PATH = [
    ("choose-page", "page"),
    ("wagtailcore/page", "page"),
    ("documents", "document"),
    ("wagtaildocs", "document"),
    ("images", "image"),
    ("wagtailimages", "image"),
    ("inboundemail", "inbound"),
]


def walk(resolver: URLResolver | None = None, prefix: tuple = ()) -> Iterator[tuple]:
    """Each URL pattern as the chain of patterns that leads to it, from the root."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from walk(entry, (*prefix, entry.pattern))
        elif isinstance(entry, URLPattern):
            yield (*prefix, entry.pattern)


def template(chain: tuple) -> str | None:
    """The chain as one path with `{name}` placeholders, or None for a regex we cannot fill."""
    parts = []
    for pattern in chain:
        if isinstance(pattern, RoutePattern):
            parts.append(ROUTE_ARGUMENT.sub(lambda match: "{" + match["name"] + "}", str(pattern)))
        elif isinstance(pattern, RegexPattern):
            text = REGEX_GROUP.sub(lambda match: "{" + match["name"] + "}", pattern.regex.pattern)
            text = text.lstrip("^").rstrip("$")
            if REGEX_LEFTOVER.search(text):
                return None
            parts.append(text)
    return "/" + "".join(parts)


def argument_values(name: str, path: str, ids: dict[str, int]) -> list[str]:
    if name in BY_NAME:
        return [str(ids[key]) for key in BY_NAME[name]]
    if name == "pk":
        for fragment, keys in PK_BY_PATH:
            if fragment in path:
                return [str(ids[key]) for key in keys]
        return []
    if name in CONSTANTS:
        return CONSTANTS[name]
    if name in UNOWNED:
        return ["1"]
    return []


def fill(chain: tuple, ids: dict[str, int]) -> list[str]:
    """Every URL of one pattern with the ids of the objects under test (none if it cannot be filled)."""
    raw = "".join(str(pattern) for pattern in chain)
    path = template(chain)
    if path is None:
        return []
    names = re.findall(r"{(\w+)}", path)
    if set(names) & UNFILLABLE:
        return []
    model_pairs = [pair for pair in MODEL_ARGUMENTS if set(pair) <= set(names)]
    urls = []
    for app_label, model_name in MODELS if model_pairs else [(None, None)]:
        choices = []
        for name in names:
            if model_pairs and name == model_pairs[0][0]:
                choices.append([app_label])
            elif model_pairs and name == model_pairs[0][1]:
                choices.append([model_name])
            else:
                choices.append(argument_values(name, raw, ids))
        for values in itertools.product(*choices):
            urls.append(path.format(**dict(zip(names, values, strict=True))))
    return urls


def with_chosen_ids(url: str, ids: dict[str, int]) -> list[str]:
    if "chosen-multiple" not in url and "/bulk/" not in url:
        return [url]
    keys = [key for fragment, key in CHOSEN_BY_PATH if fragment in url][:1]
    return [url] + [f"{url}?id={ids[key]}" for key in keys]


def registered_urls(ids: dict[str, int]) -> list[str]:
    return sorted({variant for chain in walk() for url in fill(chain, ids) for variant in with_chosen_ids(url, ids)})

"""Two authorities whose private data carries marker strings the crawler looks for.

Every marker is an ASCII word, `<SLUG><KIND>` (e.g. « AUTRENOTE »), so it is found whatever
the escaping (HTML, JSON, URLs); text that search views look up also carries the word
« confidentiel », which the crawler types in their search boxes. Nothing here is public:
published page titles, authority names and public files are not markers.
"""

import datetime
from dataclasses import dataclass, field
from io import BytesIO

from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.utils import timezone
from PIL import Image as PillowImage
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.log_actions import log
from wagtail.models import Collection

from authorities.models import Authority, Invitation, Membership, Role, User
from authorities.permissions import PRIVATE_COLLECTION_SUFFIX, authority_collection, editors_group
from cases.models import InboundEmail
from pages.models import ContentPage
from tests.factories import CaseFactory, MembershipFactory, UserFactory
from tests.workspace_factories import AttachmentFactory, MessageFactory, NoteFactory

SEARCH_WORD = "confidentiel"
KEPT_ASIDE_SUBJECT = "KEPTASIDESUBJECT"
STAFF_ROLES = {"main_agent": Role.MAIN_AGENT, "agent": Role.AGENT, "editor": Role.EDITOR}


@dataclass
class AuthorityWorld:
    """One authority's private objects (`ids`, by the URL argument they fill) and their markers."""

    authority: Authority
    staff: dict[str, User]
    ids: dict[str, int] = field(default_factory=dict)
    case_markers: set[str] = field(default_factory=set)
    content_markers: set[str] = field(default_factory=set)
    people_markers: set[str] = field(default_factory=set)
    inbound_markers: set[str] = field(default_factory=set)
    # The name of the agent who proposed the world's case to the other authority, which its agents read.
    proposer_markers: set[str] = field(default_factory=set)


def marker(authority: Authority, kind: str) -> str:
    return f"{authority.slug.upper().replace('-', '')}{kind}"


def build_authority_world(authority: Authority) -> AuthorityWorld:
    staff = {
        name: MembershipFactory(
            authority=authority,
            role=role,
            user=UserFactory(
                first_name=marker(authority, f"PRENOM{name.upper()}"),
                last_name=marker(authority, f"NOM{name.upper()}"),
                email=f"{marker(authority, 'COURRIEL' + name.upper()).lower()}@exemple.fr",
            ),
        ).user
        for name, role in STAFF_ROLES.items()
    }
    world = AuthorityWorld(authority=authority, staff=staff)
    world.people_markers = {user.last_name for user in staff.values()} | {user.email for user in staff.values()}
    add_case(world)
    add_export(world)
    add_pages(world)
    add_files(world)
    add_invitation(world)
    return world


def add_case(world: AuthorityWorld) -> None:
    authority = world.authority
    case = CaseFactory(authority=authority, assignee=world.staff["agent"])
    case.citizen.first_name = marker(authority, "CITOYENPRENOM")
    case.citizen.last_name = marker(authority, "CITOYENNOM")
    case.citizen.email = f"{marker(authority, 'CITOYENCOURRIEL').lower()}@exemple.fr"
    case.citizen.save()
    note = NoteFactory(case=case, content=f"<p>Note {SEARCH_WORD} {marker(authority, 'NOTE')}</p>")
    attachment = AttachmentFactory(case=case, name=f"{marker(authority, 'PIECE')}.pdf")
    message = MessageFactory(
        cases=[case],
        subject=f"Objet {SEARCH_WORD} {marker(authority, 'OBJETMESSAGE')}",
        text=f"Corps {marker(authority, 'CORPSMESSAGE')}",
        html=f"<p>Corps {marker(authority, 'CORPSMESSAGE')}</p>",
    )
    inbound = InboundEmail.objects.create(
        door=InboundEmail.Door.MTA,
        raw=b"Subject: x\r\n\r\nx",
        size=20,
        state=InboundEmail.State.THREADED,
        subject=f"Courriel {SEARCH_WORD} {marker(authority, 'OBJETRECU')}",
        from_header=f"{marker(authority, 'CITOYENCOURRIEL').lower()}@exemple.fr",
        message=message,
    )
    world.ids.update(number=case.number, note=note.pk, attachment=attachment.pk, message=message.pk, inbound=inbound.pk)
    world.case_markers = {
        case.citizen.first_name,
        case.citizen.last_name,
        case.citizen.email,
        marker(authority, "NOTE"),
        marker(authority, "PIECE"),
        marker(authority, "OBJETMESSAGE"),
        marker(authority, "CORPSMESSAGE"),
    }
    world.inbound_markers = {marker(authority, "OBJETRECU")}


def add_export(world: AuthorityWorld) -> None:
    """A ready statistics export of the authority's agent: its page, state and file are the agent's alone."""
    from cases.insight.models import FilePart, Job, Kind, State

    label, content = marker(world.authority, "EXPORT"), marker(world.authority, "EXPORTFICHIER")
    job = Job.objects.create(
        user=world.staff["agent"],
        kind=Kind.CSV,
        state=State.READY,
        label=label,
        done=1,
        total=1,
        authority_ids=[world.authority.pk],
        file_name="export.csv",
        file_size=len(content),
    )
    FilePart.objects.create(job=job, index=0, data=content.encode())
    world.ids["job"] = job.pk
    world.case_markers |= {label, content}


def add_referral(world: AuthorityWorld, to: AuthorityWorld) -> None:
    """The world's case proposed to the other authority: its agents may read the proposal's summary (no
    case marker in it) and who proposed it, nobody else of theirs, and neither authority's editors."""
    from cases.models import Case
    from cases.referral import service
    from cases.referral.models import Consent, Reason

    case = Case.objects.get(number=world.ids["number"])
    referral = service.propose(
        world.staff["agent"], case, to.authority, reason=Reason.TERRITORY, note="Voirie", consent=Consent.PHONE
    )
    world.ids["referral"] = referral.pk
    world.proposer_markers = {world.staff["agent"].first_name, world.staff["agent"].last_name}


def add_pages(world: AuthorityWorld) -> None:
    """A never-published page, and a published one whose draft (by the authority's editor) has a new title."""
    authority = world.authority
    section = authority.page
    draft = section.add_child(
        instance=ContentPage(title=f"Projet {SEARCH_WORD} {marker(authority, 'PAGEBROUILLON')}", live=False)
    )
    draft.save_revision(user=world.staff["editor"], log_action=True)
    published = section.get_children().get(slug="aide").specific
    published.title = f"Aide {SEARCH_WORD} {marker(authority, 'REVISIONBROUILLON')}"
    revision = published.save_revision(user=world.staff["editor"], log_action=True)
    world.ids.update(page=draft.pk, published_page=published.pk, revision=revision.pk, section=section.pk)
    world.content_markers |= {marker(authority, "PAGEBROUILLON"), marker(authority, "REVISIONBROUILLON")}


def png() -> BytesIO:
    data = BytesIO()
    PillowImage.new("RGB", (4, 4), "white").save(data, "PNG")
    return data


def add_files(world: AuthorityWorld) -> None:
    """A document of the authority's private collection, and an image of its collection."""
    authority = world.authority
    collection = authority_collection(authority)
    document = get_document_model().objects.create(
        title=f"Document {SEARCH_WORD} {marker(authority, 'TITREDOCUMENT')}",
        file=ContentFile(marker(authority, "CONTENUDOCUMENT").encode(), name=f"{authority.slug}-interne.txt"),
        collection=Collection.objects.get(name=authority.name + PRIVATE_COLLECTION_SUFFIX),
    )
    image = get_image_model().objects.create(
        title=f"Image {SEARCH_WORD} {marker(authority, 'TITREIMAGE')}",
        file=ImageFile(png(), name=f"{authority.slug}-interne.png"),
        collection=collection,
    )
    for upload in (document, image):
        log(upload, "wagtail.create", user=world.staff["editor"])
    world.ids.update(document=document.pk, image=image.pk, collection=collection.pk, group=editors_group(authority).pk)
    world.content_markers |= {
        marker(authority, "TITREDOCUMENT"),
        marker(authority, "CONTENUDOCUMENT"),
        marker(authority, "TITREIMAGE"),
    }


def add_invitation(world: AuthorityWorld) -> None:
    authority = world.authority
    invitation = Invitation.objects.create(
        email=f"{marker(authority, 'INVITATION').lower()}@exemple.fr",
        authority=authority,
        role=Role.AGENT,
        token_hash=marker(authority, "JETON"),
        expires_at=timezone.now() + datetime.timedelta(days=7),
    )
    world.ids.update(
        invitation=invitation.pk,
        membership=Membership.objects.get(user=world.staff["agent"]).pk,
        user=world.staff["agent"].pk,
        authority=authority.pk,
    )
    world.people_markers.add(invitation.email)


def kept_aside_email() -> InboundEmail:
    """An email no case claims: it belongs to no authority, only superusers may read it."""
    return InboundEmail.objects.create(
        door=InboundEmail.Door.MTA,
        raw=b"Subject: x\r\n\r\nx",
        size=20,
        state=InboundEmail.State.KEPT_ASIDE,
        reason=InboundEmail.Reason.UNKNOWN_RECIPIENT,
        subject=f"Courriel {SEARCH_WORD} {KEPT_ASIDE_SUBJECT}",
    )

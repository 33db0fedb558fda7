"""Static files in production: WhiteNoise's compressed manifest, with django-dsfr's pinned files left as shipped.

django-dsfr prints its stylesheets and scripts with an `integrity` (SRI) hash of the files as released
(`dsfr/checksums.py`). The manifest storage rewrites every `url()` of a stylesheet to the hashed names of
the fonts and icons it points to: the bytes then no longer match the hash, browsers refuse the stylesheet,
and every public page loses the DSFR. So those files are copied byte for byte (still under a hashed name,
cached for good); the fonts and icons they point to keep their plain names, which collectstatic also
writes and WhiteNoise serves with a short cache and revalidation.
"""

from collections.abc import Callable
from re import Match

from dsfr.constants import DsfrStaticAssets
from whitenoise.storage import CompressedManifestStaticFilesStorage

# The files django-dsfr's {% dsfr_css %} and {% dsfr_js %} print with an integrity hash.
INTEGRITY_PINNED = frozenset(
    {
        DsfrStaticAssets.DSFR_CSS,
        DsfrStaticAssets.DSFR_UTILITY_CSS,
        DsfrStaticAssets.DSFR_MODULE_JS,
        DsfrStaticAssets.DSFR_NOMODULE_JS,
    }
)


def unchanged(match: Match) -> str:
    return match["matched"]


class ProductionStaticFilesStorage(CompressedManifestStaticFilesStorage):
    def url_converter(self, name: str, hashed_files: dict, template: str | None = None) -> Callable[[Match], str]:
        """Leave the references inside an integrity-pinned file as they are, so its bytes match its hash."""
        if name in INTEGRITY_PINNED:
            return unchanged
        return super().url_converter(name, hashed_files, template)

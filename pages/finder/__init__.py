"""« Trouver mon médiateur »: from a commune or a postal code to the authorities competent for it.

Owns the search form (`forms`), the results page served by the home page at `trouver-mon-mediateur/`
(`views`) and its templates (templates/pages/finder/). The browser suggests communes from the national
address API (static/js/find-mediator.js), which sends the chosen commune's INSEE code; without
JavaScript the postal code alone leads to the département. The lookup itself is
authorities/territory/lookup.py.
"""

# The results page's address under the home page: no authority may take it as its slug.
FINDER_SLUG = "trouver-mon-mediateur"

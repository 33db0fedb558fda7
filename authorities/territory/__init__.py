"""An authority's territory: the communes, the département or the region it serves.

Owns the geography of France it needs (`geography`: départements, regions, INSEE commune codes, postal
codes to départements), the territory fields of the authority form with the CSV import (`form`), and
the lookup of the authorities competent for a place (`lookup`), which « Trouver mon médiateur » asks.

Stored simply and queryably: `Authority.departement_code` and `Authority.region_code` (indexed), and one
`AuthorityCommune` row per INSEE code for cities and intercommunal bodies.
"""

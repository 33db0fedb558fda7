// Communes from the national address API, asked by the visitor's browser (the platform never sees the query).
// Shared by the request form (request-form.js), « Trouver mon médiateur » (find-mediator.js) and the
// authority form's commune search (authorities/commune-picker.js).

// The municipalities the API finds for `query` (`limit` at most, `extra` parameters added), as
// { city, postcode, citycode } objects; an empty list when it cannot answer (offline, refused, an error).
async function findCommunes(lookupUrl, query, limit, extra = {}) {
  const url = new URL(lookupUrl);
  url.search = new URLSearchParams({ q: query, type: "municipality", limit: String(limit), ...extra });
  try {
    const response = await fetch(url);
    if (!response.ok) {
      return [];
    }
    const { features = [] } = await response.json();
    return features.map((feature) => feature.properties || {}).filter((place) => place.city);
  } catch {
    return [];
  }
}

// The communes to suggest for what the visitor typed: a postal code's communes (only those of that very
// code), or the first ten whose name starts with the text; each with its postal and INSEE codes.
async function suggestedCommunes(lookupUrl, text) {
  const postalCode = /^\d{5}$/.test(text);
  const places = postalCode
    ? await findCommunes(lookupUrl, text, 40)
    : await findCommunes(lookupUrl, text, 10, { autocomplete: "1" });
  return places.filter((place) => place.citycode && place.postcode && (!postalCode || place.postcode === text));
}

// Communes from the national address API, asked by the visitor's browser (the platform never sees the query).
// Shared by the request form (request-form.js) and « Trouver mon médiateur » (find-mediator.js).

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

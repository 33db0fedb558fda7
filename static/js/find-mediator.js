// « Trouver mon médiateur »: suggests communes (communes.js) as the citizen types a name or a postal code;
// choosing one sends its INSEE code in the hidden `commune` field. The form works without this script:
// the postal code then leads to the département.

function suggestCommunes(place, commune) {
  const suggestions = document.createElement("datalist");
  suggestions.id = "commune-suggestions";
  place.after(suggestions);
  place.setAttribute("list", suggestions.id);
  const codes = new Map(); // "Brest (29200)" → "29019"
  let asked = "";
  let timer;
  const choose = () => {
    commune.value = codes.get(place.value) || "";
  };
  const suggest = async () => {
    const text = place.value.trim();
    if (text.length < 3 || text === asked || codes.has(place.value)) {
      return;
    }
    asked = text;
    const places = await suggestedCommunes(place.dataset.cityLookupUrl, text);
    codes.clear();
    places.forEach((found) => codes.set(`${found.city} (${found.postcode})`, found.citycode));
    const labels = [...codes.keys()].sort((a, b) => a.localeCompare(b, "fr"));
    suggestions.replaceChildren(...labels.map((label) => new Option(label, label)));
    choose();
  };
  place.addEventListener("input", () => {
    choose();
    clearTimeout(timer);
    timer = setTimeout(suggest, 250);
  });
}

document.addEventListener("DOMContentLoaded", () => {
  const place = document.querySelector("#finder-form [data-city-lookup-url]");
  const commune = document.querySelector('#finder-form input[name="commune"]');
  if (place && commune) {
    suggestCommunes(place, commune);
  }
});

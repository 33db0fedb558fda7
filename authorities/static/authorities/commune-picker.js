// The authority form's communes: a search box suggests communes from the national address API (communes.js,
// asked by the browser); choosing one adds its INSEE code to the field's list of codes, each shown as a tag
// that removes it. The list of codes stays the form's value: pasted codes and the CSV import need no script.

const CODE_SEPARATORS = /[\s,;]+/;

function communePicker(codes) {
  const names = new Map(); // INSEE code → "Brest (29200)", for the communes found in this page
  const found = new Map(); // every suggestion label shown in this page → { code, name }
  const picker = document.createElement("div");
  picker.className = "commune-picker";
  picker.innerHTML = `
    <label class="commune-picker__label" for="commune-picker-search">Rechercher une commune</label>
    <div class="commune-picker__search">
      <input id="commune-picker-search" type="search" autocomplete="off" list="commune-picker-suggestions"
             placeholder="Nom ou code postal, puis Entrée" aria-describedby="commune-picker-status">
      <datalist id="commune-picker-suggestions"></datalist>
      <button type="button" class="button button-secondary button-small">Ajouter</button>
    </div>
    <p class="commune-picker__status" id="commune-picker-status" aria-live="polite"></p>
    <ul class="commune-picker__chosen" aria-label="Communes choisies"></ul>`;
  codes.before(picker);
  const search = picker.querySelector("input");
  const suggestions = picker.querySelector("datalist");
  const status = picker.querySelector(".commune-picker__status");
  const chosen = picker.querySelector("ul");

  const current = () => [...new Set(codes.value.split(CODE_SEPARATORS).map((code) => code.trim().toUpperCase()))]
    .filter(Boolean);
  const render = () => {
    const list = current();
    chosen.replaceChildren(
      ...list.map((code) => {
        const item = document.createElement("li");
        const label = names.has(code) ? `${names.get(code)} — ${code}` : code;
        const remove = document.createElement("button");
        remove.type = "button";
        remove.className = "button button-small button-secondary";
        remove.textContent = "Retirer";
        remove.setAttribute("aria-label", `Retirer ${label}`);
        remove.addEventListener("click", () => {
          codes.value = current().filter((kept) => kept !== code).join(", ");
          status.textContent = `${label} retirée de la liste.`;
          render();
        });
        item.append(label, " ", remove);
        return item;
      }),
    );
  };
  const add = () => {
    const place = found.get(search.value);
    if (!place) {
      status.textContent = "Choisissez une commune parmi les suggestions.";
      return;
    }
    names.set(place.code, place.name);
    const list = current();
    if (list.includes(place.code)) {
      status.textContent = `${place.name} est déjà dans la liste.`;
    } else {
      codes.value = [...list, place.code].join(", ");
      status.textContent = `${place.name} ajoutée (${list.length + 1} communes).`;
    }
    search.value = "";
    render();
  };
  let asked = "";
  let timer;
  const suggest = async () => {
    const text = search.value.trim();
    if (text.length < 3 || text === asked || found.has(search.value)) {
      return;
    }
    asked = text;
    const places = await suggestedCommunes(codes.dataset.communePicker, text);
    const labels = places
      .map((place) => {
        const name = `${place.city} (${place.postcode})`;
        const label = `${name} — ${place.citycode}`;
        found.set(label, { code: place.citycode, name });
        return label;
      })
      .sort((a, b) => a.localeCompare(b, "fr"));
    suggestions.replaceChildren(...labels.map((label) => new Option(label, label)));
    status.textContent = labels.length ? "" : "Aucune commune trouvée : vérifiez l'orthographe, ou collez son code INSEE.";
  };
  search.addEventListener("input", () => {
    if (found.has(search.value)) { // a suggestion chosen in the list
      add();
      return;
    }
    clearTimeout(timer);
    timer = setTimeout(suggest, 250);
  });
  search.addEventListener("keydown", (event) => {
    if (event.key === "Enter") { // never submits the authority form
      event.preventDefault();
      add();
    }
  });
  picker.querySelector("button").addEventListener("click", add);
  codes.addEventListener("input", render);
  render();
}

document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("textarea[data-commune-picker]").forEach(communePicker);
});

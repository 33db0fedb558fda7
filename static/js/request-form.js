// Request form enhancements; the form works fully without them.

// Moves focus to the error summary so screen reader users hear what to fix.
function focusErrors() {
  const summary = document.getElementById("form-errors");
  if (summary) {
    summary.focus();
  }
}

// Sends the request once: while files upload the button says so, and another try does nothing
// (it would file the same request twice).
function sendOnce(form) {
  const button = form.querySelector('button[type="submit"]');
  const label = button.textContent;
  form.addEventListener("submit", (event) => {
    if (form.dataset.sending) {
      event.preventDefault();
      return;
    }
    form.dataset.sending = "true";
    button.disabled = true;
    button.textContent = "Envoi en cours…";
  });
  // Back from the thank-you page, the browser may show this page as it was left: ready to send again.
  window.addEventListener("pageshow", () => {
    delete form.dataset.sending;
    button.disabled = false;
    button.textContent = label;
  });
}

// Suggests the cities of a French postal code (the national address API through communes.js, as the
// original did); the city stays free text, and without an answer nothing changes.
function suggestCities(postalCode, city) {
  const suggestions = document.createElement("datalist");
  suggestions.id = "city-suggestions";
  city.after(suggestions);
  city.setAttribute("list", suggestions.id);
  let asked = "";
  const suggest = async () => {
    const code = postalCode.value.trim();
    if (!/^\d{5}$/.test(code) || code === asked) {
      return;
    }
    asked = code;
    // Offline or refused, no suggestion: the citizen types the city.
    const places = await findCommunes(postalCode.dataset.cityLookupUrl, code, 40);
    const names = places.filter((place) => place.postcode === code).map((place) => place.city);
    const unique = [...new Set(names)].sort((a, b) => a.localeCompare(b, "fr"));
    suggestions.replaceChildren(...unique.map((name) => new Option(name, name)));
    if (unique.length === 1 && !city.value.trim()) {
      city.value = unique[0];
    }
  };
  postalCode.addEventListener("input", suggest);
  suggest();
}

// Asks "Avez-vous reçu une réponse ?" only after "Oui" to the prior complaint question,
// and clears its answer when hidden (the server refuses an answer without a prior complaint).
function askAnswerAfterComplaint(answered, priorComplaint) {
  const update = () => {
    const checked = document.querySelector('input[name="prior_complaint"]:checked');
    const show = checked !== null && checked.value === "True";
    answered.hidden = !show;
    if (!show) {
      answered.querySelectorAll("input").forEach((input) => {
        input.checked = false;
      });
    }
  };
  priorComplaint.forEach((radio) => radio.addEventListener("change", update));
  update();
}

document.addEventListener("DOMContentLoaded", () => {
  focusErrors();
  const form = document.getElementById("request-form");
  if (form) {
    sendOnce(form);
  }
  const postalCode = document.querySelector("[data-city-lookup-url]");
  const city = document.getElementById("id_city");
  if (postalCode && city) {
    suggestCities(postalCode, city);
  }
  const answered = document.getElementById("prior-complaint-answered");
  const priorComplaint = document.querySelectorAll('input[name="prior_complaint"]');
  if (answered && priorComplaint.length > 0) {
    askAnswerAfterComplaint(answered, priorComplaint);
  }
});

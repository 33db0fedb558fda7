// Request form enhancements; the form works fully without them.
// - Asks "Avez-vous reçu une réponse ?" only after "Oui" to the prior complaint question,
//   and clears its answer when hidden (the server refuses an answer without a prior complaint).
// - Moves focus to the error summary so screen reader users hear what to fix.
// - Sends the request once: while files upload the button says so, and another click does nothing
//   (it would file the same request twice).
document.addEventListener("DOMContentLoaded", () => {
  const summary = document.getElementById("form-errors");
  if (summary) {
    summary.focus();
  }
  const form = document.getElementById("request-form");
  if (form) {
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
  const answered = document.getElementById("prior-complaint-answered");
  const priorComplaint = document.querySelectorAll('input[name="prior_complaint"]');
  if (!answered || priorComplaint.length === 0) {
    return;
  }
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
});

// Compose page of a case message; the form works fully without this script.
// - The suggested addresses add themselves to "Destinataire(s)" when clicked.
// - A new message is kept as a draft in sessionStorage (per case, as in the original) until it is sent,
//   and restored when the page is opened again in the same tab.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("message-form");
  if (!form) {
    return;
  }
  const to = form.querySelector('[name="to"]');
  form.querySelectorAll("[data-recipient]").forEach((button) => {
    button.addEventListener("click", () => {
      const address = button.dataset.recipient;
      const current = to.value.split(/[,;\s]+/).filter(Boolean);
      if (!current.map((value) => value.toLowerCase()).includes(address)) {
        current.push(address);
      }
      to.value = current.join(", ");
      to.focus();
    });
  });

  const key = form.dataset.draftKey;
  if (!key || !window.sessionStorage) {
    return;
  }
  const fields = ["to", "subject", "body"].map((name) => form.querySelector(`[name="${name}"]`));
  if (!("bound" in form.dataset)) {
    try {
      const draft = JSON.parse(sessionStorage.getItem(key) || "null");
      if (draft && (draft.subject || draft.body)) {
        fields.forEach((field) => {
          if (draft[field.name]) {
            field.value = draft[field.name];
          }
        });
      }
    } catch (error) {
      sessionStorage.removeItem(key);
    }
  }
  const save = () => {
    const draft = {};
    fields.forEach((field) => {
      draft[field.name] = field.value;
    });
    sessionStorage.setItem(key, JSON.stringify(draft));
  };
  fields.forEach((field) => field.addEventListener("input", save));
  // Once submitted, the server keeps what was typed if anything is wrong: the draft is no longer needed.
  form.addEventListener("submit", () => sessionStorage.removeItem(key));
});

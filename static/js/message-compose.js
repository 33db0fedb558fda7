// Compose page of a case message.
// - The suggested addresses add themselves to "Destinataire(s)" when clicked.
// - A new message is kept as a draft in sessionStorage (per case, as in the original) until it is sent,
//   and restored when the page is opened again in the same tab.
// The body is a Draftail editor (cases/views/rich_text.py): its value is the contentstate JSON in a hidden
// input, which Draftail reads once when Wagtail starts it (after DOMContentLoaded) and rewrites 250 ms
// after each change, without an event. This script is loaded with `defer`, so it runs once the page is
// parsed but before DOMContentLoaded: a draft restored here is what the editor opens with.
(() => {
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
  const isContentstate = (value) => {
    try {
      return Array.isArray(JSON.parse(value).blocks);
    } catch (error) {
      return false;
    }
  };
  if (!("bound" in form.dataset)) {
    try {
      const draft = JSON.parse(sessionStorage.getItem(key) || "null");
      if (draft && (draft.subject || isContentstate(draft.body))) {
        fields.forEach((field) => {
          if (draft[field.name] && (field.name !== "body" || isContentstate(draft.body))) {
            field.value = draft[field.name];
          }
        });
      }
    } catch (error) {
      sessionStorage.removeItem(key);
    }
  }
  let sent = false;
  let timer = null;
  const save = () => {
    if (sent) {
      return;
    }
    const draft = {};
    fields.forEach((field) => {
      draft[field.name] = field.value;
    });
    sessionStorage.setItem(key, JSON.stringify(draft));
  };
  // Saved a moment after the editor has written its input, and when the page is left.
  const saveSoon = () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(save, 400);
  };
  ["input", "keyup", "click"].forEach((type) => form.addEventListener(type, saveSoon));
  window.addEventListener("pagehide", save);
  // Once submitted, the server keeps what was typed if anything is wrong: the draft is no longer needed.
  form.addEventListener("submit", () => {
    sent = true;
    window.clearTimeout(timer);
    sessionStorage.removeItem(key);
  });
})();

// The case page's composers (templates/cases/admin/case/_thread.html): opened by a click or by its key
// (r reply, n note: Wagtail's w-kbd controller clicks the summary), a composer puts the cursor in its first
// field, the Draftail editor of the message or the note once Wagtail has started it.
(() => {
  const FIELDS = "[contenteditable=true], input:not([type=hidden]), select, textarea";
  document.querySelectorAll("details.case-composer").forEach((composer) => {
    composer.addEventListener("toggle", () => {
      if (!composer.open) {
        return;
      }
      const editor = composer.querySelector(".DraftEditor-root [contenteditable=true]");
      const field = editor || composer.querySelector(FIELDS);
      if (field) {
        field.focus();
      }
    });
  });
})();

// Drafts kept on the server (cases/drafts/): what a composer holds is sent to its `data-draft-url` a moment
// after each change, and when the page is left. Draftail writes its hidden input without an event, so the
// form's values are compared every two seconds; the files are not sent (a browser cannot keep them).
(() => {
  document.querySelectorAll("form[data-draft-url]").forEach((form) => {
    const values = () => {
      const data = new FormData(form);
      data.delete("files");
      return data;
    };
    const fingerprint = (data) => JSON.stringify([...data.entries()]);
    let sent = fingerprint(values());
    let submitted = false;
    const save = (keepalive) => {
      const data = values();
      const current = fingerprint(data);
      if (submitted || current === sent) {
        return;
      }
      sent = current;
      fetch(form.dataset.draftUrl, { method: "POST", body: data, credentials: "same-origin", keepalive });
    };
    window.setInterval(() => save(false), 2000);
    window.addEventListener("pagehide", () => save(true));
    form.addEventListener("submit", () => {
      submitted = true;
    });
  });
})();

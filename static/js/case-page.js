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

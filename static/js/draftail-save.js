// Draftail, Wagtail's rich-text editor, writes its hidden input 250 ms after the last change
// (its `stateSaveInterval`), without an event. A form sent sooner, a note typed and saved at once,
// would post the text as it was before the last keystrokes, or nothing. So, as a form is sent, every
// editor in it writes its current state first: Wagtail keeps the editor on its input as `draftailEditor`,
// whose `saveState()` is what the timer calls. Listening on the document in the capture phase runs this
// before the form's own submit handlers, and the browser reads the form's values only after them.
document.addEventListener(
  "submit",
  (event) => {
    event.target.querySelectorAll("input[type=hidden]").forEach((input) => {
      if (input.draftailEditor && typeof input.draftailEditor.saveState === "function") {
        input.draftailEditor.saveState();
      }
    });
  },
  true,
);

// The case index (cases/workspace/templates/workspace/index.html): select every row of the page, say how
// many are selected, and show only the field the chosen bulk action needs. Without it the page still works:
// every field shows and the confirmation page tells what will be done.
// Keys, as on the case page and never while typing in a field: j / k move to the next / previous row's link
// (Enter opens it), / goes to the search.
(function () {
    const typing = (element) =>
        element.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(element.tagName);
    document.addEventListener("keydown", (event) => {
        if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
        if (event.key === "/") {
            const search = document.querySelector("[data-case-search]");
            if (search) {
                event.preventDefault();
                search.focus();
            }
            return;
        }
        if (event.key !== "j" && event.key !== "k") return;
        const links = Array.from(document.querySelectorAll("[data-case-row] [data-case-link]"));
        if (!links.length) return;
        const here = links.indexOf(document.activeElement);
        const next = event.key === "j" ? Math.min(here + 1, links.length - 1) : Math.max(here - 1, 0);
        event.preventDefault();
        links[here === -1 ? 0 : next].focus();
    });
})();

(function () {
    const bulk = document.getElementById("case-bulk");
    if (!bulk) return;
    const boxes = () => Array.from(document.querySelectorAll('input[name="dossiers"][form="case-bulk"]'));
    const all = document.querySelector("[data-case-select-all]");
    const said = bulk.querySelector("[data-case-selected]");
    const action = bulk.querySelector('select[name="action"]');
    const needs = { assigner: "assignee", avancement: "status", echeance: "due_date" };

    function count() {
        const checked = boxes().filter((box) => box.checked).length;
        said.textContent = checked === 1 ? "1 dossier sélectionné :" : checked + " dossiers sélectionnés :";
        if (all) {
            all.checked = checked > 0 && checked === boxes().length;
            all.indeterminate = checked > 0 && checked < boxes().length;
        }
    }

    function fields() {
        bulk.querySelectorAll("[data-bulk-field]").forEach((field) => {
            const name = field.dataset.bulkField;
            field.hidden = name !== "action" && needs[action.value] !== name;
        });
    }

    if (all) {
        all.addEventListener("change", () => {
            boxes().forEach((box) => (box.checked = all.checked));
            count();
        });
    }
    boxes().forEach((box) => box.addEventListener("change", count));
    action.addEventListener("change", fields);
    count();
    fields();
})();

// An export's page (cases/insight/templates/insight/job.html): ask its state every two seconds until it is
// ready or failed, moving the progress bar and the percentage, then show the download link.
(() => {
    const box = document.querySelector("[data-export-progress]");
    if (!box) return;
    const bar = box.querySelector("progress");
    const status = box.querySelector("[data-export-status]");
    const download = box.querySelector("[data-export-download]");
    const poll = async () => {
        const response = await fetch(box.dataset.stateUrl, { headers: { Accept: "application/json" } });
        if (!response.ok) return;
        const state = await response.json();
        bar.value = state.percent;
        bar.textContent = `${state.percent} %`;
        const rows = state.total ? ` (${state.done} lignes sur ${state.total})` : "";
        status.textContent = `${state.state_label} : ${state.percent} %${rows}`;
        if (state.download) {
            download.hidden = false;
            download.querySelector("a").href = state.download;
        }
        if (state.state === "queued" || state.state === "running") window.setTimeout(poll, 2000);
    };
    if (download.hidden) window.setTimeout(poll, 1000);
})();

// What runs of this version did, as Tekton's events told the server: fetched when the page opens (the page itself is
// cached with the catalog, the figures change with every run), shown only when there were runs.
"use strict";
(function () {
  const section = document.getElementById("usage");
  if (!section || !window.fetch) return;
  fetch(section.dataset.src, { headers: { Accept: "application/json" }, credentials: "same-origin" })
    .then((response) => (response.ok ? response.json() : null))
    .then((usage) => {
      if (!usage || usage.runs + usage.running === 0) return;
      const parts = [`${usage.runs} run${usage.runs === 1 ? "" : "s"}: ${usage.succeeded} succeeded, ${usage.failed} failed`];
      if (usage.running) parts.push(`${usage.running} running`);
      const d = usage.durationSeconds || {};
      if (d.p50 !== undefined) parts.push(`duration median ${d.p50} s, p90 ${d.p90} s, p99 ${d.p99} s`);
      section.querySelector(".usage-figures").textContent = parts.join("; ") + ".";
      if (usage.lastFailure) {
        const f = usage.lastFailure;
        section.querySelector(".usage-failure").textContent =
          `Last failure: ${f.run} at ${f.at}` + (f.reason ? ` (${f.reason})` : "") + (f.message ? `: ${f.message}` : "");
      }
      section.hidden = false;
    })
    .catch(() => {});
})();

// Search as you type. The catalog's filter form works without this (its button sends it); with it, each change
// fetches the same page and swaps in its results, keeping the address in step so a reload or a shared link shows
// the same list. The count is repeated in a live region for screen readers.
"use strict";
(function () {
  const form = document.querySelector("form[data-live]");
  const live = document.getElementById("live-count");
  if (!form || !window.fetch || !window.DOMParser) return;
  let timer = null;
  let controller = null;

  function address() {
    const params = new URLSearchParams(new FormData(form));
    for (const key of Array.from(params.keys())) {
      if (!params.get(key)) params.delete(key);
    }
    const query = params.toString();
    return "/" + (query ? "?" + query : "");
  }

  async function refresh() {
    const url = address();
    if (controller) controller.abort();
    controller = new AbortController();
    try {
      const response = await fetch(url, { headers: { Accept: "text/html" }, credentials: "same-origin", signal: controller.signal });
      const page = new DOMParser().parseFromString(await response.text(), "text/html");
      const next = page.getElementById("results");
      const current = document.getElementById("results");
      if (!next || !current) return;
      current.replaceWith(document.importNode(next, true));
      history.replaceState(null, "", url);
      if (live) live.textContent = next.dataset.summary || "";
    } catch (error) {
      if (error.name !== "AbortError") form.submit();
    }
  }

  function soon() {
    clearTimeout(timer);
    timer = setTimeout(refresh, 150);
  }
  form.addEventListener("input", soon);
  form.addEventListener("change", soon);
})();

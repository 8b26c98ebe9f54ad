// Check a run form as you type. Each change sends the params, as the form would bind them, to the version's
// validate route and shows every error beside the param it is about (the rest below the form). Submitting the
// form checks everything again on the server, workspaces included, so this only saves a round trip.
"use strict";
(function () {
  const form = document.querySelector("form.run[data-validate]");
  if (!form || !window.fetch) return;
  const url = form.dataset.validate;
  const general = form.querySelector(".live-errors");
  let timer = null;
  let controller = null;

  // The values as RunForm on the server reads them: a list one item per line, an object key=value per line.
  function values() {
    const params = {};
    for (const control of form.querySelectorAll("[data-param]")) {
      const text = control.value.trim();
      if (!text) continue;
      const lines = text.split(/\r?\n/).map((line) => line.trim()).filter((line) => line);
      const type = control.dataset.type;
      if (type === "array") {
        params[control.dataset.param] = lines;
      } else if (type === "object") {
        const object = {};
        for (const line of lines) {
          const at = line.indexOf("=");
          if (at > 0) object[line.slice(0, at).trim()] = line.slice(at + 1).trim();
        }
        params[control.dataset.param] = object;
      } else {
        params[control.dataset.param] = control.value;
      }
    }
    return params;
  }

  function control(name) {
    for (const candidate of form.querySelectorAll("[data-param]")) {
      if (candidate.dataset.param === name) return candidate;
    }
    return null;
  }

  // `/params/git-url` or `/params/git-url/0` belongs to git-url; a missing required param (at `/params`) names
  // itself in the message.
  function owner(error) {
    let pointer = error.pointer || "";
    if (pointer === "/params" || pointer.startsWith("/params/")) pointer = pointer.slice("/params".length);
    const first = pointer.split("/")[1] || "";
    let name = first.replace(/~1/g, "/").replace(/~0/g, "~");
    if (!name && error.keyword === "required") {
      const quoted = /"([^"]+)"/.exec(error.message);
      if (quoted) name = quoted[1];
    }
    return control(name);
  }

  function show(errors) {
    for (const field of form.querySelectorAll(".field")) {
      if (!field.querySelector("[data-param]")) continue;
      field.classList.remove("invalid");
      const list = field.querySelector(".field-errors");
      if (list) list.replaceChildren();
    }
    general.replaceChildren();
    for (const error of errors) {
      const message = document.createElement("p");
      message.className = "error";
      message.textContent = error.message;
      const target = owner(error);
      const field = target && target.closest(".field");
      if (field) {
        field.classList.add("invalid");
        field.querySelector(".field-errors").appendChild(message);
      } else {
        message.textContent = (error.pointer ? error.pointer + ": " : "") + error.message;
        general.appendChild(message);
      }
    }
  }

  async function check() {
    if (controller) controller.abort();
    controller = new AbortController();
    try {
      const response = await fetch(url, {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/json" },
        body: JSON.stringify({ params: values() }),
        credentials: "same-origin",
        signal: controller.signal,
      });
      const answer = await response.json();
      if (Array.isArray(answer.errors)) show(answer.errors);
      else if (answer.error) show([{ pointer: "", message: answer.error.message }]);
    } catch (error) {
      // Offline or aborted: the server checks again when the form is sent.
    }
  }

  form.addEventListener("input", (event) => {
    if (!event.target.dataset || !event.target.dataset.param) return;
    clearTimeout(timer);
    timer = setTimeout(check, 250);
  });
  form.addEventListener("change", (event) => {
    if (event.target.tagName === "SELECT" && event.target.dataset.param) check();
  });
})();

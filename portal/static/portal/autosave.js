// Autosave for the self-assessment editor.
//
// Every autosaving form posts through htmx and carries the assessment's version
// in a hidden "version" input. All requests are queued on #editor (hx-sync), so
// each one leaves with the version the previous save returned (the server sends
// it in X-Assessment-Version). A 409 means someone else saved first: nothing is
// overwritten, the conflict banner offers a reload.
(function () {
  "use strict";
  const editor = document.getElementById("editor");
  if (!editor) return;
  const state = document.getElementById("save-state");
  const conflict = document.getElementById("save-conflict");
  let pending = 0;
  let failed = false;

  function show(kind, text) {
    state.dataset.state = kind;
    state.textContent = text || state.dataset[kind];
    state.className = "badge save-state save-state-" + kind;
  }

  function setVersion(version) {
    if (!version) return;
    editor.dataset.version = version;
    document.querySelectorAll("input[name=version]").forEach(function (input) {
      input.value = version;
    });
  }

  function isAutosave(elt) {
    return elt && elt.closest && elt.closest("[data-autosave]");
  }

  // The end of a save is heard on the form itself: a form swapped out by its own
  // response (evidence lists) is detached, and its events no longer reach the body.
  document.body.addEventListener("htmx:beforeRequest", function (evt) {
    const form = isAutosave(evt.detail.elt);
    if (!form) return;
    pending += 1;
    show("saving");
    form.addEventListener("htmx:afterRequest", finished, { once: true });
  });

  function finished(evt) {
    const form = evt.currentTarget;
    pending = Math.max(0, pending - 1);
    const xhr = evt.detail.xhr;
    const status = xhr ? xhr.status : 0;
    if (status >= 200 && status < 300) {
      const version = xhr.getResponseHeader("X-Assessment-Version");
      setVersion(version);
      form.classList.remove("save-failed");
      failed = document.querySelector("form.save-failed") !== null;
      if (!pending) {
        if (failed) show("failed");
        else if (version) show("saved", state.dataset.saved + " " + new Date().toLocaleTimeString());
        else show("idle");
      }
      if (version) document.body.dispatchEvent(new CustomEvent("assessment-saved"));
    } else if (status === 409) {
      failed = true;
      form.classList.add("save-failed");
      show("conflict");
      conflict.hidden = false;
    } else {
      form.classList.add("save-failed");
      failed = failed || form.isConnected; // a swapped-out evidence form shows its own error
      show("failed");
    }
  }

  document.body.addEventListener("htmx:sendError", function (evt) {
    const form = isAutosave(evt.detail.elt);
    if (form) form.classList.add("save-failed");
  });

  window.addEventListener("beforeunload", function (evt) {
    if (pending || failed) {
      evt.preventDefault();
      evt.returnValue = "";
    }
  });

  // Rows of table inputs (warehouses, R&D projects) and calculators: add from the
  // row template, remove, and tell the form it changed so that it saves.
  document.addEventListener("click", function (evt) {
    const add = evt.target.closest("[data-add-row]");
    if (add) {
      const box = add.closest("[data-rows]");
      const template = box.querySelector("template");
      box.querySelector("tbody").appendChild(template.content.cloneNode(true));
      return;
    }
    const remove = evt.target.closest("[data-remove-row]");
    if (remove) {
      const form = remove.closest("form");
      remove.closest("tr").remove();
      if (form) form.dispatchEvent(new Event("change", { bubbles: true }));
    }
  });
})();

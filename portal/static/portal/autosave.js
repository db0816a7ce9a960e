// Autosave for the self-assessment editor.
//
// Every autosaving form edits one item and carries that item's version in a
// hidden "version" input. All requests are queued on #editor (hx-sync), so each
// one leaves with the version its previous save returned (X-Item-Version). A
// colleague's save of another item changes nothing here. A 409 with
// "X-Conflict: item" means a colleague saved the same item first: nothing is
// overwritten, the form shows both values and the choice (keep mine: save again
// on the current version; take theirs: the item as saved now). Another 409 (the
// assessment was submitted meanwhile) shows the banner offering a reload. The
// assessment's version (X-Assessment-Version) goes to the forms that are not
// autosaved (the submission's). On a page with the side panel (#preview), each
// save asks for the panel as the save leaves it (X-Editor-Preview): it comes
// back in the same response, swapped out of band.
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
      if (!isAutosave(input)) input.value = version;
    });
  }

  function setItemVersion(form, version) {
    const input = form.querySelector("input[name=version]");
    if (input && version !== null && version !== undefined) input.value = version;
  }

  function recount() {
    failed = document.querySelector("form.save-failed") !== null;
    if (!pending) show(failed ? "failed" : "idle");
  }

  function isAutosave(elt) {
    return elt && elt.closest && elt.closest("[data-autosave]");
  }

  document.body.addEventListener("htmx:configRequest", function (evt) {
    if (isAutosave(evt.detail.elt) && document.getElementById("preview")) {
      evt.detail.headers["X-Editor-Preview"] = "true";
    }
  });

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
      setItemVersion(form, xhr.getResponseHeader("X-Item-Version"));
      form.classList.remove("save-failed");
      failed = document.querySelector("form.save-failed") !== null;
      if (!pending) {
        if (failed) show("failed");
        else if (version) show("saved", state.dataset.saved + " " + new Date().toLocaleTimeString());
        else show("idle");
      }
    } else if (status === 409) {
      failed = true;
      form.classList.add("save-failed");
      show("conflict");
      if (xhr.getResponseHeader("X-Conflict") !== "item") conflict.hidden = false;
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

  // The choice after a colleague's save of the same item.
  function conflictForm(button) {
    const card = button.closest(".card");
    return button.closest("form") || (card && card.querySelector("form[data-autosave]"));
  }

  document.addEventListener("click", function (evt) {
    const keep = evt.target.closest("[data-keep-mine]");
    if (keep) {
      // save again what this form holds, on the version the colleague's save made
      const form = conflictForm(keep);
      const box = keep.closest("[data-testid=conflict]");
      setItemVersion(form, keep.dataset.version);
      if (box) box.remove();
      const submitter =
        keep.dataset.period &&
        form.querySelector('button[name=period][value="' + keep.dataset.period + '"]');
      if (submitter) form.requestSubmit(submitter);
      else form.dispatchEvent(new Event("change", { bubbles: true }));
      return;
    }
    const take = evt.target.closest("[data-take-theirs]");
    if (take) {
      // nothing to save: the item becomes what the colleague saved, as the server has it
      const box = take.closest("[data-testid=conflict]");
      const target = document.getElementById(take.dataset.replace);
      const template = box.querySelector("template[data-theirs]");
      if (target && template) {
        const fresh = template.content.firstElementChild.cloneNode(true);
        target.replaceWith(fresh);
        window.htmx.process(fresh);
      } else if (box) {
        box.remove();
      }
      recount();
    }
  });

  // An evidence upload shows its progress (the bar next to the file input; without
  // JavaScript the form posts the file as it is).
  document.body.addEventListener("htmx:xhr:progress", function (evt) {
    const bar = evt.target.querySelector && evt.target.querySelector(".upload-progress");
    if (!bar || !evt.detail.lengthComputable) return;
    bar.classList.remove("d-none");
    bar.value = Math.round((evt.detail.loaded / evt.detail.total) * 100);
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

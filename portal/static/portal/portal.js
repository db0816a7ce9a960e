// Loaded on every page, after htmx. The portal's Content-Security-Policy allows no inline
// script, handler or style: htmx must not inject its <style> nor evaluate code, and the small
// behaviours pages once wrote inline live here.
(function () {
  "use strict";
  // The indicator styles htmx would inject are in portal.css; hx-on and js: values are not used.
  htmx.config.includeIndicatorStyles = false;
  htmx.config.allowEval = false;

  // <form data-confirm-title=…>, or its <button data-confirm-title=…> when only that button's
  // action is irreversible: it asks first, saying what will happen (portal/confirmation.py).
  // Confirmed, the form is sent with confirmed=1; without JavaScript the server answers a
  // confirmation page instead.
  // With data-confirm-fields, what is said depends on those fields' values as chosen now
  // (portal.confirmation.Choices): data-confirm-choices maps the values, joined by "|".
  function whatIsSaid(form, source) {
    var said = {
      title: source.dataset.confirmTitle,
      text: source.dataset.confirmText,
      action: source.dataset.confirmAction,
      warning: source.dataset.confirmWarning
    };
    if (!source.dataset.confirmFields) return said;
    var data = new FormData(form);
    var key = source.dataset.confirmFields.split(" ").map(function (name) {
      return data.get(name) || "";
    }).join("|");
    return JSON.parse(source.dataset.confirmChoices)[key] || said;
  }
  function confirmDialog(form, source, submitter) {
    var said = whatIsSaid(form, source);
    var dialog = document.createElement("dialog");
    dialog.className = "confirm-dialog border rounded shadow p-0";
    dialog.setAttribute("data-testid", "confirm-dialog");
    var warn = said.warning === "1";
    var body = document.createElement("div");
    body.className = "p-4";
    var title = document.createElement("h2");
    title.className = "h5 mb-3";
    title.textContent = said.title;
    body.appendChild(title);
    said.text.split("\n").forEach(function (line) {
      var p = document.createElement("p");
      p.className = "mb-2";
      p.textContent = line;
      body.appendChild(p);
    });
    var buttons = document.createElement("div");
    buttons.className = "d-flex gap-2 justify-content-end mt-3";
    var cancel = document.createElement("button");
    cancel.type = "button";
    cancel.className = "btn btn-outline-secondary";
    cancel.textContent = document.documentElement.lang.indexOf("en") === 0 ? "Cancel" : "取消";
    cancel.setAttribute("data-testid", "confirm-dialog-cancel");
    var ok = document.createElement("button");
    ok.type = "button";
    ok.className = "btn " + (warn ? "btn-warning" : "btn-primary");
    ok.textContent = said.action;
    ok.setAttribute("data-testid", "confirm-dialog-ok");
    buttons.appendChild(cancel);
    buttons.appendChild(ok);
    body.appendChild(buttons);
    dialog.appendChild(body);
    document.body.appendChild(dialog);
    cancel.addEventListener("click", function () { dialog.close(); });
    dialog.addEventListener("close", function () { dialog.remove(); });
    ok.addEventListener("click", function () {
      var field = form.querySelector("input[name=confirmed]");
      if (!field) {
        field = document.createElement("input");
        field.type = "hidden";
        field.name = "confirmed";
        form.appendChild(field);
      }
      field.value = "1";
      form.dataset.confirmed = "1";
      dialog.close();
      if (submitter && submitter.form === form) form.requestSubmit(submitter);
      else form.requestSubmit();
    });
    dialog.showModal();
  }
  document.addEventListener("submit", function (event) {
    var form = event.target;
    // held back by the page's own script (it submits again later), or confirmed already
    if (event.defaultPrevented || form.dataset.confirmed === "1") return;
    var submitter = event.submitter;
    var source = submitter && submitter.dataset.confirmTitle ? submitter : form;
    if (!source.dataset.confirmTitle) return;
    event.preventDefault();
    confirmDialog(form, source, submitter);
  });
})();

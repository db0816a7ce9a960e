// The expert's review form. A draft autosave may still be on its way when a button submits
// the form: wait for it, so the form leaves with the version that save returned; once the form
// has left (the submit confirmed, if it asks first), no autosave still waiting for its delay
// goes out after it.
(function () {
  "use strict";
  var form = document.getElementById("review-form");
  if (!form) return;
  var leaving = false;
  form.addEventListener("htmx:beforeRequest", function (evt) {
    if (leaving) evt.preventDefault();
  });
  form.addEventListener("submit", function (evt) {
    if (form.classList.contains("htmx-request")) {
      evt.preventDefault();
      var submitter = evt.submitter;
      form.addEventListener("htmx:afterRequest", function () {
        window.setTimeout(function () { form.requestSubmit(submitter); }, 0);
      }, { once: true });
      return;
    }
    // a button that asks first (portal.js): the form leaves only once it is confirmed
    if (evt.submitter && evt.submitter.dataset.confirmTitle && form.dataset.confirmed !== "1") {
      return;
    }
    leaving = true;
  });
})();

// The expert's review form. A draft autosave may still be on its way when a button submits
// the form: wait for it, so the form leaves with the version that save returned; once the form
// has left, no autosave still waiting for its delay goes out after it.
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
    leaving = true;
  });
})();

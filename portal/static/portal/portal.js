// Loaded on every page, after htmx. The portal's Content-Security-Policy allows no inline
// script, handler or style: htmx must not inject its <style> nor evaluate code, and the small
// behaviours pages once wrote inline live here.
(function () {
  "use strict";
  // The indicator styles htmx would inject are in portal.css; hx-on and js: values are not used.
  htmx.config.includeIndicatorStyles = false;
  htmx.config.allowEval = false;

  // <select data-autosubmit>: choosing an option submits its form (a batch, a catalog version).
  document.addEventListener("change", function (event) {
    if (event.target.matches("select[data-autosubmit]")) event.target.form.requestSubmit();
  });
})();

/* Small progressive enhancements; every page works without this file. */
(function () {
  "use strict";

  // Toasts fade away after a while; errors stay until the next page.
  function scheduleToasts(root) {
    root.querySelectorAll(".toast:not(.toast--error)").forEach(function (toast) {
      setTimeout(function () { toast.classList.add("is-leaving"); }, 4000);
      setTimeout(function () { toast.remove(); }, 4600);
    });
  }

  // Enter in the requester search box must not submit the registration form.
  document.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && event.target.matches && event.target.matches(".chooser__search")) {
      event.preventDefault();
    }
  });

  // Quick-filter pills: mirror the checked radio on its label (CSS :has is not everywhere yet).
  document.addEventListener("change", function (event) {
    if (event.target.name === "scope") {
      document.querySelectorAll(".scope").forEach(function (label) {
        label.classList.toggle("is-active", label.querySelector("input").checked);
      });
    }
  });

  // The status dropdown closes when clicking elsewhere.
  document.addEventListener("click", function (event) {
    document.querySelectorAll("details.dropdown[open]").forEach(function (details) {
      if (!details.contains(event.target)) { details.removeAttribute("open"); }
    });
  });

  // Filter requests leave empty fields out, so the address bar shows only the filters in use.
  document.addEventListener("htmx:configRequest", function (event) {
    if (event.detail.verb !== "get") { return; }
    var params = event.detail.parameters;
    Object.keys(params).forEach(function (name) {
      if (params[name] === "") { delete params[name]; }
    });
  });

  document.addEventListener("DOMContentLoaded", function () { scheduleToasts(document); });
  document.addEventListener("htmx:afterSettle", function () { scheduleToasts(document); });
})();

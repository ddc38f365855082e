// Mail settings: show the provider hint of the chosen service next to the password, and the
// server fields only for "Other" (presets and corporate domains fill them in on the server).
(function () {
  function update(form) {
    var select = form.querySelector("select[name=service]");
    if (!select) { return; }
    var service = select.value;
    form.querySelectorAll("[data-hint-for]").forEach(function (hint) {
      hint.hidden = hint.dataset.hintFor !== service;
    });
    var servers = form.querySelector("[data-servers]");
    if (servers) { servers.hidden = service !== "other"; }
  }
  function init() {
    var form = document.querySelector("form[data-hints]");
    if (!form || form.dataset.hintsReady) { return; }
    form.dataset.hintsReady = "1";
    form.querySelector("select[name=service]").addEventListener("change", function () { update(form); });
    update(form);
  }
  document.addEventListener("DOMContentLoaded", init);
  document.addEventListener("htmx:afterSettle", init);
  init();
})();

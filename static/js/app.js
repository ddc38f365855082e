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
  // Enter in the search box says so: `21` or `#21` then opens that ticket (the server decides).
  document.addEventListener("htmx:configRequest", function (event) {
    if (event.detail.verb !== "get") { return; }
    var params = event.detail.parameters;
    Object.keys(params).forEach(function (name) {
      if (params[name] === "") { delete params[name]; }
    });
    var trigger = event.detail.triggeringEvent;
    if (trigger && trigger.type === "submit") { event.detail.headers["X-Search-Submit"] = "1"; }
  });

  // An employee select next to a team select lists only that team's members (options carry
  // data-teams); an employee outside the chosen team is unselected rather than refused later.
  function narrowEmployees(teamSelect, unselect) {
    var scope = teamSelect.closest("form, [data-bulkbar]");
    var employees = scope && scope.querySelector("[data-filtered-by-team]");
    if (!employees) { return; }
    var team = teamSelect.value;
    Array.prototype.forEach.call(employees.options, function (option) {
      if (!option.value) { return; }
      var member = !team || (" " + (option.dataset.teams || "") + " ").indexOf(" " + team + " ") >= 0;
      option.hidden = !member;
      option.disabled = !member;
      if (unselect && !member && option.selected) { employees.value = ""; }
    });
  }
  document.addEventListener("change", function (event) {
    if (event.target.matches && event.target.matches("[data-team-select]")) { narrowEmployees(event.target, true); }
  });

  // A refused form shows its error next to the field; bring that field into view, wherever its
  // panel is (the card's side panel scrolls on its own), and put the cursor there.
  function revealError(root) {
    var error = root.querySelector(".has-error, form .alert--error");
    if (!error) { return; }
    error.scrollIntoView({ block: "center" });
    var field = error.querySelector("input, select, textarea");
    if (field) { field.focus({ preventScroll: true }); }
  }

  // Bulk actions on the ticket list: the bar appears with the first selected ticket.
  function bulkState() {
    var bar = document.querySelector("[data-bulkbar]");
    if (!bar) { return; }
    var items = document.querySelectorAll("[data-bulk-item]");
    var chosen = document.querySelectorAll("[data-bulk-item]:checked").length;
    bar.classList.toggle("is-active", chosen > 0);
    var count = bar.querySelector("[data-bulk-count]");
    count.textContent = count.dataset.template.replace("{count}", String(chosen));
    var all = document.querySelector("[data-bulk-all]");
    if (all) { all.checked = chosen > 0 && chosen === items.length; all.indeterminate = chosen > 0 && chosen < items.length; }
    var action = bar.querySelector("[data-bulk-action]").value;
    bar.querySelectorAll("[data-bulk-part]").forEach(function (part) { part.hidden = part.dataset.bulkPart !== action; });
  }
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (!target.matches) { return; }
    if (target.matches("[data-bulk-all]")) {
      document.querySelectorAll("[data-bulk-item]").forEach(function (box) { box.checked = target.checked; });
    }
    if (target.matches("[data-bulk-all], [data-bulk-item], [data-bulk-action]")) { bulkState(); }
  });
  document.addEventListener("submit", function (event) {
    if (event.target.id !== "bulk-form") { return; }
    var next = event.target.querySelector("[data-bulk-next]");
    if (next) { next.value = location.pathname + location.search; }
  }, true);

  function onPage(root) {
    scheduleToasts(document);
    revealError(root);
    bulkState();
    document.querySelectorAll("[data-team-select]").forEach(function (select) { narrowEmployees(select, false); });
  }
  document.addEventListener("DOMContentLoaded", function () { onPage(document); });
  document.addEventListener("htmx:afterSettle", function (event) { onPage(event.detail.elt || document); });
})();

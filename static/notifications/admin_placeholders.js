/* Event action editor: show the placeholder list of the event chosen in the form. */
(function () {
  "use strict";
  function show() {
    var select = document.getElementById("id_event");
    if (!select) { return; }
    document.querySelectorAll("ul.placeholders[data-event]").forEach(function (list) {
      list.hidden = list.dataset.event !== select.value;
    });
  }
  document.addEventListener("change", function (event) {
    if (event.target && event.target.id === "id_event") { show(); }
  });
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", show); } else { show(); }
})();

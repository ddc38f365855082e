/* Our file picker (servicedesk/forms/widgets.py FilePicker) shows the chosen file names next to
 * its button, in the page's language; used by the operator pages and the technologist interface. */
(function () {
  "use strict";
  if (window.sdFilePick) { return; }
  window.sdFilePick = true;
  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches(".filepick__input")) { return; }
    var names = input.closest("[data-filepick]").querySelector("[data-filepick-names]");
    var chosen = Array.prototype.map.call(input.files || [], function (file) { return file.name; });
    names.textContent = chosen.length ? chosen.join(", ") : names.dataset.empty;
    names.title = chosen.join("\n");
  });
})();

// The message list follows new mail: when the push stream announces a personal message, the list
// on screen (the inbox, or whatever folder the page shows) is fetched again and swapped in place.
(function () {
  if (window.sdPersonalMail) { return; }
  window.sdPersonalMail = true;
  window.addEventListener("sd:notification", function (event) {
    var item = event.detail || {};
    var list = document.getElementById("mail-list");
    if (item.event !== "personalmail.new_mail" || !list || !window.htmx) { return; }
    window.htmx.ajax("GET", window.location.href, { target: "#mail-list", select: "#mail-list", swap: "outerHTML" });
  });
})();

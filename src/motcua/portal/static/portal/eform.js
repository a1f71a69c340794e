/* E-form unit picker: changing the province reloads its communes from the portal's JSON endpoint.
   Without this script the form works too: the "show the communes" button reloads the page. */
(function () {
  "use strict";

  function option(value, text) {
    var item = document.createElement("option");
    item.value = value;
    item.textContent = text;
    return item;
  }

  function wire(picker) {
    var province = picker.querySelector("[data-unit-province]");
    var commune = picker.querySelector("[data-unit-commune]");
    var refresh = picker.querySelector("[data-unit-refresh]");
    var status = picker.querySelector("[data-unit-status]");
    var url = picker.getAttribute("data-communes-url");
    if (!province || !commune || !url) return;
    if (refresh) refresh.hidden = true;
    var placeholder = commune.options.length ? commune.options[0].textContent : "";

    province.addEventListener("change", function () {
      commune.setAttribute("aria-busy", "true");
      fetch(url + "?tinh=" + encodeURIComponent(province.value), { headers: { Accept: "application/json" } })
        .then(function (response) {
          if (!response.ok) throw new Error(String(response.status));
          return response.json();
        })
        .then(function (body) {
          commune.replaceChildren(option("", placeholder));
          body.communes.forEach(function (unit) { commune.appendChild(option(unit.code, unit.name)); });
          if (status) status.textContent = "";
        })
        .catch(function () {
          // Fall back to the server round trip the page offers without JavaScript.
          if (refresh) refresh.hidden = false;
          if (status) status.textContent = status.getAttribute("data-failed") || "";
        })
        .finally(function () { commune.removeAttribute("aria-busy"); });
    });
  }

  document.querySelectorAll("[data-unit-picker]").forEach(wire);
})();

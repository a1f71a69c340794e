/* Names for what Django's admin widgets leave unnamed (axe-core: label, select-name, aria-input-field-name,
   aria-prohibited-attr). A static file: the Content-Security-Policy forbids inline scripts. */
(function () {
  "use strict";

  function text(el) { return el ? el.textContent.replace(/\s+/g, " ").replace(/[:*]\s*$/, "").trim() : ""; }

  function labelOf(id) {
    var label = document.querySelector('label[for="' + id + '"]');
    if (label && !label.id) { label.id = id + "-label"; }
    return label;
  }

  function nameInputs(root) {
    // Tabular inlines: each input takes the heading of its column.
    root.querySelectorAll(".tabular table").forEach(function (table) {
      var heads = table.querySelectorAll("thead th");
      table.querySelectorAll("tbody tr").forEach(function (row) {
        Array.prototype.forEach.call(row.children, function (cell, index) {
          var head = heads[index] && heads[index].colSpan === 1 ? text(heads[index]) : "";
          cell.querySelectorAll("input:not([type=hidden]), select, textarea").forEach(function (field) {
            if (!field.labels || !field.labels.length) {
              field.setAttribute("aria-label", head || (field.name.indexOf("DELETE") >= 0 ? "Delete" : field.name));
              field.removeAttribute("title");
            }
          });
        });
      });
    });
    // Split date and time: the field's label with "Date" or "Time" as Django prints them before each input.
    root.querySelectorAll("p.datetime input").forEach(function (field) {
      if (field.labels && field.labels.length) { return; }
      var base = field.id.replace(/_[01]$/, "");
      var label = labelOf(base) || labelOf(base + "_0");
      var before = field.previousSibling;
      while (before && before.nodeType !== 3 && before.tagName !== "BR") { before = before.previousSibling; }
      var part = before && before.nodeType === 3 ? before.textContent.replace(/[:\s]+$/, "").trim() : "";
      field.setAttribute("aria-label", [text(label), part].filter(Boolean).join(" – "));
    });
    // Select2 (autocomplete fields): the combobox is named by the label of the select it stands for.
    root.querySelectorAll("span.select2").forEach(function (box) {
      var select = box.previousElementSibling;
      var label = select && select.id ? labelOf(select.id) : null;
      if (!label) {
        var row = box.closest(".form-row, .fieldBox, td");
        label = row ? row.querySelector("label") : null;
        if (label && !label.id) { label.id = (select && select.name ? select.name : "select2") + "-label"; }
      }
      if (!label) { return; }
      var name = function () {
        box.querySelectorAll(".select2-selection, .select2-selection__rendered").forEach(function (el) {
          el.setAttribute("aria-labelledby", label.id);
        });
        // A multiple choice (several successors) types its search in an inline field select2 draws again
        // after each choice: it takes the same name each time.
        box.querySelectorAll(".select2-search__field").forEach(function (el) {
          if (el.getAttribute("aria-labelledby") !== label.id) { el.setAttribute("aria-labelledby", label.id); }
        });
      };
      name();
      if (!box.motcuaNamed && window.MutationObserver) {
        box.motcuaNamed = true;
        new MutationObserver(name).observe(box, {childList: true, subtree: true});
      }
    });
    // An inline table scrolling in its box is reached with the keyboard too (axe: scrollable-region-focusable).
    root.querySelectorAll(".inline-group .tabular").forEach(function (region) {
      if (region.scrollWidth > region.clientWidth) { region.tabIndex = 0; }
    });
    // The filter widgets' magnifier icons carry an aria-label on a span without a role.
    root.querySelectorAll("span.help-tooltip[aria-label]").forEach(function (icon) {
      icon.setAttribute("role", "img");
    });
  }

  // After the admin's own scripts (select2 starts on jQuery's ready): on load, and once more just after.
  window.addEventListener("load", function () {
    nameInputs(document);
    window.setTimeout(function () { nameInputs(document); }, 0);
  });
  document.addEventListener("formset:added", function (event) { nameInputs(event.target); });
})();

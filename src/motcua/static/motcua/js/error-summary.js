/* The GOV.UK error summary: take the focus when the page loads with errors, so that a screen reader reads
   them first, and make each link put the focus on the input it names, with its label in view.
   Without this script the summary still shows and its links still jump to the inputs. */
(function () {
  "use strict";

  var summary = document.querySelector("[data-error-summary]");
  if (!summary) return;

  summary.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a[href^='#']") : null;
    if (!link) return;
    var input = document.getElementById(decodeURIComponent(link.getAttribute("href").slice(1)));
    if (!input) return;
    event.preventDefault();
    // The label (else the legend of a group such as a person) stays visible when the input takes the focus.
    var label = document.querySelector("label[for='" + CSS.escape(input.id) + "']");
    var legend = input.tagName === "FIELDSET" ? input.querySelector("legend") : null;
    var top = label || legend || input;
    top.scrollIntoView();
    input.focus({ preventScroll: true });
  });

  summary.focus();
})();

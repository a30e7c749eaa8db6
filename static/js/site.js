// Progressive enhancements: every page is complete without this file.
(function () {
  "use strict";

  // Colour theme: follows the system until the visitor picks one; the choice is remembered.
  var order = ["auto", "dark", "light"];
  var root = document.documentElement;
  var toggle = document.querySelector(".theme-toggle");
  if (toggle) {
    var label = toggle.querySelector(".theme-toggle-label");
    var show = function (theme) {
      label.textContent = "Theme: " + theme;
      toggle.setAttribute("aria-label", "Colour theme: " + theme + " (change)");
    };
    show(root.getAttribute("data-theme") || "auto");
    toggle.hidden = false;
    toggle.addEventListener("click", function () {
      var current = root.getAttribute("data-theme") || "auto";
      var next = order[(order.indexOf(current) + 1) % order.length];
      root.setAttribute("data-theme", next);
      try {
        if (next === "auto") localStorage.removeItem("theme"); else localStorage.setItem("theme", next);
      } catch (error) { /* storage disabled: the choice lasts for this page only */ }
      show(next);
    });
  }
})();

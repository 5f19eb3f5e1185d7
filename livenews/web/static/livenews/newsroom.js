// Newsroom shortcuts: Ctrl+Enter (or Cmd+Enter) posts the form being typed in.
(function () {
  "use strict";
  document.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey) && e.target.form) {
      e.preventDefault();
      e.target.form.requestSubmit();
    }
  });
})();

// Progressive enhancement only: every page works without it.
// Filter forms submit as soon as a choice changes.
document.querySelectorAll("form.filters select").forEach(function (el) {
  el.addEventListener("change", function () { el.form.submit(); });
});

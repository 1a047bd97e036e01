// Changing a filter reloads the page with the new query: the URL holds the view's
// whole state, so a view can be shared, and table and chart come from the server.
document.querySelectorAll("form[data-autosubmit]").forEach(function (form) {
  form.querySelectorAll("select, input").forEach(function (field) {
    field.addEventListener("change", function () {
      // Empty fields stay out of the URL.
      form.querySelectorAll("select, input").forEach(function (f) { f.disabled = f.value === ""; });
      form.submit();
    });
  });
});

// Small shared behaviours; everything else is htmx attributes in the templates.
document.addEventListener("click", function (event) {
  var remove = event.target.closest("[data-remove-closest]");
  if (remove) {
    event.preventDefault();
    remove.closest(remove.getAttribute("data-remove-closest")).remove();
  }
});
// Show/hide a block depending on a radio/select value: data-show-when="name=value1,value2".
function syncConditional() {
  document.querySelectorAll("[data-show-when]").forEach(function (block) {
    var parts = block.getAttribute("data-show-when").split("=");
    // A radio group or select the user changes, or a fixed value (hidden input, e.g. when editing).
    var checked = document.querySelector('[name="' + parts[0] + '"]:checked') ||
      document.querySelector('select[name="' + parts[0] + '"]') ||
      document.querySelector('input[type="hidden"][name="' + parts[0] + '"]');
    var value = checked ? checked.value : "";
    block.hidden = parts[1].split(",").indexOf(value) === -1;
  });
}
document.addEventListener("change", syncConditional);
document.addEventListener("DOMContentLoaded", syncConditional);
document.body.addEventListener("htmx:afterSwap", syncConditional);
// A double click must not send a form twice: once a (non-htmx) form is really submitted, its submit
// buttons are disabled (after the event, so the clicked button's name/value still goes along).
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (event.defaultPrevented || form.hasAttribute("hx-post") || form.hasAttribute("hx-get")) return;
  setTimeout(function () {
    form.querySelectorAll("button[type=submit], button:not([type])").forEach(function (button) {
      button.disabled = true;
    });
  }, 0);
});
// Coming back with the browser's back button restores the page as it was: enable the buttons again.
window.addEventListener("pageshow", function (event) {
  if (!event.persisted) return;
  document.querySelectorAll("form button[disabled]").forEach(function (button) {
    button.disabled = false;
  });
});

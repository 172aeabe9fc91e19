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
    var checked = document.querySelector('[name="' + parts[0] + '"]:checked') || document.querySelector('select[name="' + parts[0] + '"]');
    var value = checked ? checked.value : "";
    block.hidden = parts[1].split(",").indexOf(value) === -1;
  });
}
document.addEventListener("change", syncConditional);
document.addEventListener("DOMContentLoaded", syncConditional);
document.body.addEventListener("htmx:afterSwap", syncConditional);

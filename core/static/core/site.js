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
// A refusal before the view ran (413 too large, 400) names its target (HX-Retarget, e.g. the upload
// dialog's feedback line): show it there instead of dropping it as htmx does with error responses.
document.body.addEventListener("htmx:beforeSwap", function (event) {
  var xhr = event.detail.xhr;
  if ((xhr.status === 413 || xhr.status === 400) && xhr.getResponseHeader("HX-Retarget")) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});
// A file over its limit is refused in the browser before it is sent: <input type=file data-max-bytes=…>.
document.addEventListener("change", function (event) {
  var input = event.target;
  if (!input.matches || !input.matches("input[type=file][data-max-bytes]")) return;
  var limit = parseInt(input.getAttribute("data-max-bytes"), 10);
  var file = input.files && input.files[0];
  var tooBig = file && file.size > limit;
  input.setCustomValidity(tooBig ? "文件过大：" + (file.size / 1048576).toFixed(1) + " MB，不能超过 " + Math.round(limit / 1048576) + " MB" : "");
  if (tooBig) input.reportValidity();
});

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
// Confirmation before a form is sent: data-confirm on the form or on the clicked button (no inline
// handlers: the Content-Security-Policy allows scripts from this file only).
document.addEventListener("submit", function (event) {
  var button = event.submitter;
  var text = (button && button.getAttribute("data-confirm")) || event.target.getAttribute("data-confirm");
  if (text && !window.confirm(text)) event.preventDefault();
}, true);
// The same for a link (e.g. an export with full ID numbers).
document.addEventListener("click", function (event) {
  var link = event.target.closest && event.target.closest("a[data-confirm]");
  if (link && !window.confirm(link.getAttribute("data-confirm"))) event.preventDefault();
});
// A select with data-autosubmit sends its form when changed.
document.addEventListener("change", function (event) {
  if (event.target.matches("select[data-autosubmit]")) event.target.form.requestSubmit();
});
// Widths of progress bars from data-width (a percentage), set through the CSSOM, not a style attribute.
function applyWidths(root) {
  root.querySelectorAll("[data-width]").forEach(function (bar) {
    bar.style.width = Math.max(0, Math.min(100, parseFloat(bar.getAttribute("data-width")) || 0)) + "%";
  });
}
// A dialog marked data-show-on-load opens with the page (e.g. 申请成功 after 【保存】).
function showDialogs(root) {
  root.querySelectorAll(".modal[data-show-on-load]").forEach(function (dialog) {
    bootstrap.Modal.getOrCreateInstance(dialog).show();
  });
}
document.addEventListener("DOMContentLoaded", function () {
  applyWidths(document);
  showDialogs(document);
});
document.body.addEventListener("htmx:afterSettle", function () {
  applyWidths(document);
});
document.body.addEventListener("htmx:afterSwap", function (event) {
  // 会员身份证号 lookup: the payee defaults to the member (filled when still empty).
  if (event.detail.target.id === "member-panel") {
    var found = event.detail.target.querySelector("[data-member-name]");
    var payee = document.querySelector("[name=payee_name]");
    if (found && payee && !payee.value) payee.value = found.getAttribute("data-member-name");
  }
});
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
// 【添加票据】 / 【添加继承人】: data-add-row="PREFIX" adds one formset row, cloned from <template id=data-template>
// into #data-rows with the next index, and counts it in PREFIX-TOTAL_FORMS. Without JavaScript a submit
// button (添加票据) reloads the form with one more row.
document.addEventListener("click", function (event) {
  var button = event.target.closest && event.target.closest("[data-add-row]");
  if (!button) return;
  var prefix = button.getAttribute("data-add-row");
  var total = document.querySelector('[name="' + prefix + '-TOTAL_FORMS"]');
  var template = document.getElementById(button.getAttribute("data-template"));
  var rows = document.getElementById(button.getAttribute("data-rows"));
  if (!total || !template || !rows) return;
  event.preventDefault();
  var index = parseInt(total.value, 10) || 0;
  rows.insertAdjacentHTML("beforeend", template.innerHTML.replace(/__prefix__/g, String(index)));
  total.value = String(index + 1);
});

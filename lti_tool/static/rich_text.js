// Turns each <textarea data-rich-text> into a Trix editor; without script the textarea stays.
// Trix writes its HTML into a hidden input of the same name; the server sanitises it (nh3) on
// save as it does any description. Trix's toolbar speaks the page's language (data-words), its
// headings are <h3> (the page has its own h1 and h2), and files cannot be attached to a task.
(function () {
  "use strict";
  if (!window.Trix) { return; }
  var words = {};
  var source = document.getElementById("rich-text-words");
  if (source) { try { words = JSON.parse(source.getAttribute("data-words") || "{}"); } catch (e) { words = {}; } }
  Object.keys(words).forEach(function (key) { window.Trix.config.lang[key] = words[key]; });
  window.Trix.config.blockAttributes.heading1.tagName = "h3";
  document.addEventListener("trix-file-accept", function (event) { event.preventDefault(); });
  // Trix takes its toolbar's buttons out of the tab order (tabindex="-1") and acts on mousedown
  // only, leaving lists, headings and links to the mouse. Here a keyboard user reaches them with
  // Tab (the editor itself comes next) and Enter or Space does what a click does, bringing them
  // back to their text; the link button opens its dialog, whose field takes the focus.
  // The file button is hidden (files cannot be attached) and stays out.
  document.addEventListener("trix-initialize", function (event) {
    var editor = event.target;
    var toolbar = editor.toolbarElement;
    if (!toolbar) { return; }
    Array.prototype.forEach.call(toolbar.querySelectorAll("button[tabindex='-1']"), function (button) {
      if (button.closest(".trix-button-group--file-tools")) { return; }
      button.removeAttribute("tabindex");
      button.addEventListener("keydown", function (key) {
        if (key.key !== "Enter" && key.key !== " ") { return; }
        key.preventDefault();
        // Back in the text where it was first, as a mouse user never left it: Trix applies a
        // format to the editor's selection, and a focus after it would reset that selection.
        var range = editor.editor.getSelectedRange();
        editor.focus();
        editor.editor.setSelectedRange(range);
        button.dispatchEvent(new MouseEvent("mousedown", { bubbles: true, cancelable: true }));
      });
    });
  });

  Array.prototype.forEach.call(document.querySelectorAll("textarea[data-rich-text]"), function (area) {
    var input = document.createElement("input");
    input.type = "hidden";
    input.name = area.name;
    input.id = area.id + "-html";
    input.value = area.value;
    var editor = document.createElement("trix-editor");
    editor.setAttribute("input", input.id);
    editor.id = area.id;
    editor.className = "rich-text";
    var described = area.getAttribute("aria-describedby");
    if (described) { editor.setAttribute("aria-describedby", described); }
    var label = document.querySelector("label[for='" + area.id + "']");
    if (label) {
      if (!label.id) { label.id = area.id + "-label"; }
      editor.setAttribute("aria-labelledby", label.id);
    }
    area.parentNode.insertBefore(input, area);
    area.parentNode.insertBefore(editor, area);
    area.parentNode.removeChild(area);
  });
})();
